import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';

import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { SupervisorDataService } from './supervisor-data.service';
import { SupervisedAgentsPageDto, SupervisorAgentsQueryDto, SupervisorQueuesDto } from './supervisor.dto';

// Guards run controller-first in decorator order from the bottom: signed in, then the role.
@ApiTags('supervisor')
@GatewayController()
@RequireRole('supervisor', 'admin')
@SignedIn()
@Controller('api/supervisor')
export class SupervisorController {
  constructor(private readonly data: SupervisorDataService) {}

  @Get('queues')
  @ApiOperation({
    summary: "Per queue (channel + required skill) and for the tenant: what waits now (the router's store) and today's counts since midnight UTC (supervisors and admins)",
  })
  @ApiOkResponse({ type: SupervisorQueuesDto })
  @ApiServiceUnavailableResponse({ description: "routing-unavailable: the router's state could not be read; retry" })
  queues(): Promise<SupervisorQueuesDto> {
    return this.data.queues();
  }

  @Get('agents')
  @ApiOperation({ summary: "Every agent the router knows, a page at a time: state, reason, time in state, load and capacity per channel (supervisors and admins)" })
  @ApiOkResponse({ type: SupervisedAgentsPageDto })
  @ApiServiceUnavailableResponse({ description: "routing-unavailable: the router's state could not be read; retry" })
  agents(@Query() query: SupervisorAgentsQueryDto): Promise<SupervisedAgentsPageDto> {
    return this.data.agentPage(query.cursor, query.limit);
  }
}
