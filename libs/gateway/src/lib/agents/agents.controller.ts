import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';

import { AgentProfileDto } from '../auth/sign-in.dto';
import { Audited } from '../audit/audited.decorator';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { AgentCommandsService } from './agent-commands.service';
import { CommandAcceptedDto, PresenceDto } from './presence.dto';

@ApiTags('agents')
@GatewayController()
@SignedIn()
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly commands: AgentCommandsService) {}

  @Get('me')
  @ApiOkResponse({ type: AgentProfileDto })
  me(@CurrentAgent() agent: AgentProfile): AgentProfileDto {
    return agent;
  }

  @Put('me/presence')
  @Audited('presence', { keep: ['state'] })
  @HttpCode(202)
  @ApiOperation({ summary: "Ready for offers, or not, at the agent's configured capacity; the router confirms by offering (or not)" })
  @ApiAcceptedResponse({ type: CommandAcceptedDto })
  presence(@CurrentAgent() agent: AgentProfile, @Body() body: PresenceDto): Promise<CommandAcceptedDto> {
    return this.commands.presence(agent, body.state);
  }
}
