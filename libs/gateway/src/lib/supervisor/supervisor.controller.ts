import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';

import { Audited } from '../audit/audited.decorator';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { SupervisorAgentActionsService } from './supervisor-agent-actions.service';
import { SupervisorDataService } from './supervisor-data.service';
import { SupervisorSeriesService } from './supervisor-series.service';
import {
  SupervisedAgentsPageDto,
  SupervisorAgentsQueryDto,
  SupervisorQueuesDto,
  SupervisorSeriesDto,
  SupervisorSeriesQueryDto,
  SupervisorSignOutDto,
} from './supervisor.dto';

// Guards run controller-first in decorator order from the bottom: signed in, then the role.
@ApiTags('supervisor')
@GatewayController()
@RequireRole('supervisor', 'admin')
@SignedIn()
@Controller('api/supervisor')
export class SupervisorController {
  constructor(
    private readonly data: SupervisorDataService,
    private readonly seriesData: SupervisorSeriesService,
    private readonly actions: SupervisorAgentActionsService,
  ) {}

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

  @Get('series')
  @ApiOperation({
    summary:
      "Per bucket over the last hours: interactions created, answered and completed, and the arrivals' sentiment and actionability (supervisors and admins); pushed live in supervisor-snapshot's `series`",
  })
  @ApiOkResponse({ type: SupervisorSeriesDto })
  @ApiServiceUnavailableResponse({ description: 'routing-unavailable: the counters could not be read; retry' })
  series(@Query() query: SupervisorSeriesQueryDto): Promise<SupervisorSeriesDto> {
    return this.seriesData.series(query.hours, query.bucketMinutes);
  }

  @Post('agents/:agentId/sign-out')
  @Audited('sign-out')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Sign another agent out everywhere: revokes every token issued to them, tells the router they are offline (cause sign-out, actorId you) and closes their sockets (4401 signed-out)",
  })
  @ApiOkResponse({ type: SupervisorSignOutDto })
  @ApiNotFoundResponse({ description: 'unknown-agent' })
  @ApiConflictResponse({ description: 'sign-out-self: sign yourself out with POST /api/auth/sign-out' })
  signOut(@CurrentAgent() supervisor: AgentProfile, @Param('agentId') agentId: string): Promise<SupervisorSignOutDto> {
    return this.actions.signOut(supervisor, agentId);
  }
}
