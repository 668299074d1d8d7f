import { Body, Controller, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';

import { AgentProfileDto } from '../auth/sign-in.dto';
import { Audited } from '../audit/audited.decorator';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { type ConsultationsPage, ConsultationsService } from '../interactions/consultations.service';
import { type OfferMessage } from '../ws/ws-messages.types';
import { MyConsultationsPageDto, MyConsultationsQueryDto } from './my-consultations.dto';
import { PresenceService } from './presence.service';
import { AgentPresenceDto, CommandAcceptedDto, PendingOfferDto, PresenceCommandAcceptedDto, PresenceDto, RosterEntryDto } from './presence.dto';

@ApiTags('agents')
@GatewayController()
@SignedIn()
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly presences: PresenceService,
    private readonly consultations: ConsultationsService,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: AgentProfileDto })
  me(@CurrentAgent() agent: AgentProfile): AgentProfileDto {
    return agent;
  }

  // Declared before ':agentId/presence', which would otherwise take 'me'.
  @Get('me/presence')
  @ApiOperation({ summary: "Your state as the router holds it now (ready, not-ready with its reason, wrap-up with its end, offline), and the reasons you may choose" })
  @ApiOkResponse({ type: AgentPresenceDto })
  @ApiServiceUnavailableResponse({ description: "routing-unavailable: the router's state could not be read; retry" })
  presence(@CurrentAgent() agent: AgentProfile): Promise<AgentPresenceDto> {
    return this.presences.current(agent);
  }

  @Put('me/presence')
  @Audited('presence', { keep: ['state', 'reason'] })
  @HttpCode(202)
  @ApiOperation({
    summary: "Ready, not ready (with a reason) or offline, at the agent's configured capacity; the router confirms on the socket (presence)",
  })
  @ApiAcceptedResponse({ type: CommandAcceptedDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming `reason`: missing with not-ready, unknown, or given with another state' })
  setPresence(@CurrentAgent() agent: AgentProfile, @Body() body: PresenceDto): Promise<CommandAcceptedDto> {
    return this.presences.set(agent, body);
  }

  @Get('me/offers')
  @ApiOperation({ summary: 'The offers waiting for your answer, as the router holds them (the socket pushed each as `offer`): read again after a reload or reconnect' })
  @ApiOkResponse({ type: [PendingOfferDto] })
  offers(@CurrentAgent() agent: AgentProfile): Promise<OfferMessage[]> {
    return this.presences.pendingOffers(agent);
  }

  @Get('me/consultations')
  @ApiOperation({
    summary:
      'The open interactions where someone consulted you, with the consultations by you or to you, newest first, paged (read from the stored transcript: after a reload or time offline)',
  })
  @ApiOkResponse({ type: MyConsultationsPageDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming limit (1..50) or cursor (not one this API returned)' })
  myConsultations(@CurrentAgent() agent: AgentProfile, @Query() query: MyConsultationsQueryDto): Promise<ConsultationsPage> {
    return this.consultations.listMine(agent, query);
  }

  @Get('roster')
  @ApiOperation({ summary: 'Your colleagues (id, name, the router\'s state) to pick a transfer target from; any signed-in agent' })
  @ApiOkResponse({ type: [RosterEntryDto] })
  roster(@CurrentAgent() agent: AgentProfile): Promise<RosterEntryDto[]> {
    return this.presences.roster(agent);
  }

  @Put(':agentId/presence')
  @RequireRole('supervisor', 'admin')
  @Audited('presence', { keep: ['state', 'reason'] })
  @HttpCode(202)
  @ApiOperation({ summary: "Supervisors: set another agent's presence (cause supervisor); the agent's desktop shows it at once" })
  @ApiAcceptedResponse({ type: PresenceCommandAcceptedDto })
  @ApiNotFoundResponse({ description: 'unknown-agent' })
  setPresenceOf(
    @CurrentAgent() supervisor: AgentProfile,
    @Param('agentId') agentId: string,
    @Body() body: PresenceDto,
  ): Promise<PresenceCommandAcceptedDto> {
    return this.presences.setFor(supervisor, agentId, body);
  }
}
