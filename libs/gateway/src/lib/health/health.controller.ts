import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayController } from '../http/gateway-endpoint.decorator';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';

export interface GatewayHealth {
  status: 'ok';
  replicaId: string;
  /** Which process answered on this port. */
  pid: number;
  connectedAgents: number;
  sockets: number;
}

@ApiTags('health')
@GatewayController()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly hub: AgentSocketHub,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The process serves requests; the counts are for dashboards' })
  health(): GatewayHealth {
    return { status: 'ok', replicaId: this.options.replicaId, pid: process.pid, connectedAgents: this.hub.agentCount(), sockets: this.hub.socketCount() };
  }
}
