import { Body, Controller, Get, ParseBoolPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';
import { type ConsultationEntry } from '@perch/interactions';
import { type CustomerProfile, CustomerProfileService } from '@perch/outbound';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { CommandAcceptedDto } from '../agents/presence.dto';
import { DispositionsService } from '../dispositions/dispositions.service';
import { CurrentAgent } from '../http/agent-auth.guard';
import { CommandRoute, GatewayController, IdParam, SignedIn } from '../http/gateway-endpoint.decorator';
import { ClassificationCorrectionsService } from './classification-corrections.service';
import { ConsultationsService } from './consultations.service';
import { InteractionQueryService } from './interaction-query.service';
import {
  ActionAcceptedDto,
  ClassificationCorrectionDto,
  ConferenceInviteDto,
  ConferenceLeaveDto,
  ConsultationDto,
  CorrectionAcceptedDto,
  CustomerProfileDto,
  DirectMessageDto,
  DoneDto,
  OfferDecisionDto,
  ReplyDto,
  TransferDto,
} from './interaction-requests.dto';
import { type AgentInteractionView } from './interaction-conference.types';
import { InteractionViewDto } from './interaction-view.dto';
import { customerOf, OutboundActionsService } from './outbound-actions.service';

@ApiTags('interactions')
@GatewayController()
@SignedIn()
@Controller('api/interactions')
export class InteractionsController {
  constructor(
    private readonly queries: InteractionQueryService,
    private readonly commands: AgentCommandsService,
    private readonly actions: OutboundActionsService,
    private readonly profiles: CustomerProfileService,
    private readonly corrections: ClassificationCorrectionsService,
    private readonly consultations: ConsultationsService,
    private readonly dispositions: DispositionsService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The interactions you hold or are being offered, and the conferences you are a guest of, most recent first; each with `conference` (holder and guests, ids and names, from the router's record) while guests are in it",
  })
  @ApiOkResponse({ type: [InteractionViewDto] })
  list(@CurrentAgent() agent: AgentProfile): Promise<AgentInteractionView[]> {
    return this.queries.listMine(agent);
  }

  @Get(':id')
  @ApiOkResponse({ type: InteractionViewDto })
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'Not your interaction' })
  get(@CurrentAgent() agent: AgentProfile, @IdParam() id: string): Promise<AgentInteractionView> {
    return this.queries.getMineWithConference(agent, id);
  }

  @Post(':id/accept')
  @CommandRoute({
    audit: 'accept',
    keep: ['offerId'],
    status: 202,
    summary: 'Accept an offer; the interaction arrives on the socket once the router confirms',
    response: CommandAcceptedDto,
    forbidden: 'not-your-offer: the offer was made to another agent',
    notFound: true,
    conflict: 'offer-expired, or offer-not-live (declined, timed out, withdrawn, offered again, taken, completed), with what became of it',
  })
  accept(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: OfferDecisionDto,
  ): Promise<CommandAcceptedDto> {
    return this.commands.accept(agent, id, body.offerId);
  }

  @Post(':id/decline')
  @CommandRoute({
    audit: 'decline',
    keep: ['offerId'],
    status: 202,
    response: CommandAcceptedDto,
    forbidden: 'not-your-offer: the offer was made to another agent',
    notFound: true,
    conflict: 'offer-expired, or offer-not-live (declined, timed out, withdrawn, offered again, accepted already, completed)',
  })
  decline(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: OfferDecisionDto,
  ): Promise<CommandAcceptedDto> {
    return this.commands.decline(agent, id, body.offerId);
  }

  @Post(':id/transfer')
  @CommandRoute({
    audit: 'transfer',
    keep: ['toQueue', 'toAgentId', 'reason'],
    status: 202,
    summary: 'Transfer your interaction, with a reason, to the queue (at its original age) or to a named agent (an offer to them; you keep it until they accept, and again if they decline or let it time out); the transcript and notes go with it',
    response: CommandAcceptedDto,
    badRequest: 'reason missing or over 500 characters; neither or both of toQueue and toAgentId',
    forbidden: 'Not your interaction',
    notFound: true,
    conflict: 'not-accepted: only offered to you; interaction-completed; transfer-to-self, unknown-agent, agent-offline, agent-at-capacity, transfer-pending',
  })
  transfer(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: TransferDto,
  ): Promise<CommandAcceptedDto> {
    return this.commands.transfer(agent, id, body.reason, body.toAgentId);
  }

  @Post(':id/conference')
  @CommandRoute({
    audit: 'conference-invite',
    keep: ['agentId', 'reason'],
    status: 202,
    summary: 'Invite a colleague into your interaction (a conference): an offer to them (accept/decline with its offerId); once they join, both of you see the transcript live and either may reply; you stay the holder (only you complete, transfer or invite)',
    response: CommandAcceptedDto,
    badRequest: 'agentId missing or not 1..64 characters; reason over 500 characters',
    forbidden: 'not-your-interaction: only the holder invites (a guest neither)',
    notFound: true,
    conflict: 'not-accepted, interaction-completed; invite-self, unknown-agent, agent-offline, agent-at-capacity, already-in-conference, conference-full, invitation-pending, transfer-pending',
  })
  inviteToConference(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: ConferenceInviteDto,
  ): Promise<CommandAcceptedDto> {
    return this.commands.inviteToConference(agent, id, body.agentId, body.reason);
  }

  @Post(':id/conference/leave')
  @CommandRoute({
    audit: 'conference-leave',
    keep: ['handOverTo'],
    status: 202,
    summary: "Leave the interaction's conference: a guest leaves (its slot freed); the holder leaves only by handing over to a guest (handOverTo), who becomes the holder",
    response: CommandAcceptedDto,
    badRequest: 'handOverTo not 1..64 characters',
    forbidden: 'not-your-interaction: neither its holder nor a guest',
    notFound: true,
    conflict: 'holder-must-hand-over, not-in-conference (handOverTo is no guest), not-holder (a guest named handOverTo), not-accepted, interaction-completed',
  })
  leaveConference(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: ConferenceLeaveDto,
  ): Promise<CommandAcceptedDto> {
    return this.commands.leaveConference(agent, id, body.handOverTo);
  }

  @Post(':id/consultations')
  @CommandRoute({
    audit: 'consultation',
    keep: ['withAgentId', 'voice'],
    status: 201,
    summary: 'Consult a colleague about your interaction (or answer the holder who consulted you): kept in its transcript for agents only, never sent to X; `voice` asks a voice system to call them',
    response: { description: 'The consultation entry, also pushed to both agents (consultation-added)' },
    badRequest: 'withAgentId or text missing, text over 2,000 characters',
    forbidden: 'Not your interaction, and nobody holding it consulted you',
    notFound: true,
    conflict: 'consult-self, unknown-agent; not-accepted: only offered to you',
  })
  consult(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: ConsultationDto,
  ): Promise<ConsultationEntry> {
    return this.consultations.consult(agent, id, body);
  }

  @Post(':id/replies')
  @CommandRoute({
    audit: 'reply',
    keep: ['text', 'replyAll'],
    status: 202,
    summary: "Reply publicly to the customer's latest tweet; X's answer arrives on the socket",
    response: ActionAcceptedDto,
    badRequest: 'Empty or too long (the reason and the overflow are in the body)',
    forbidden: 'Not your interaction',
    conflict: 'not-accepted: only offered to you, accept it first; or interaction-completed',
  })
  reply(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: ReplyDto,
  ): Promise<ActionAcceptedDto> {
    return this.actions.reply(agent, id, body.text, body.replyAll ?? false);
  }

  @Post(':id/dms')
  @CommandRoute({
    audit: 'dm',
    keep: ['text'],
    status: 202,
    summary: 'Send the customer a direct message, if they accept DMs from the brand',
    response: ActionAcceptedDto,
    badRequest: 'Empty or longer than 10,000 characters',
    forbidden: 'Not your interaction',
    conflict: 'dm-not-allowed: the customer does not accept DMs from the brand; not-accepted: only offered to you; or the interaction is completed',
  })
  directMessage(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: DirectMessageDto,
  ): Promise<ActionAcceptedDto> {
    return this.actions.directMessage(agent, id, body.text);
  }

  @Post(':id/follow')
  @CommandRoute({
    audit: 'follow',
    status: 202,
    summary: 'Follow the customer from the brand account',
    response: ActionAcceptedDto,
    forbidden: 'Not your interaction',
    conflict: 'not-accepted: only offered to you, accept it first; or interaction-completed',
  })
  follow(@CurrentAgent() agent: AgentProfile, @IdParam() id: string): Promise<ActionAcceptedDto> {
    return this.actions.follow(agent, id, 'follow');
  }

  @Post(':id/unfollow')
  @CommandRoute({
    audit: 'unfollow',
    status: 202,
    summary: 'Unfollow the customer from the brand account',
    response: ActionAcceptedDto,
    forbidden: 'Not your interaction',
    conflict: 'not-accepted: only offered to you, accept it first; or interaction-completed',
  })
  unfollow(@CurrentAgent() agent: AgentProfile, @IdParam() id: string): Promise<ActionAcceptedDto> {
    return this.actions.follow(agent, id, 'unfollow');
  }

  @Get(':id/customer')
  @ApiOperation({ summary: "The customer's X profile as the brand sees it: counts, follow status, DM eligibility (cached a minute)" })
  @ApiOkResponse({ type: CustomerProfileDto })
  async customer(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Query('refresh', new ParseBoolPipe({ optional: true })) refresh?: boolean,
  ): Promise<CustomerProfile> {
    const view = await this.queries.getMine(agent, id);
    return this.profiles.get(view.brandAccountId, customerOf(view).id, refresh ?? false);
  }

  @Put(':id/classification')
  @CommandRoute({
    audit: 'classification-correction',
    keep: ['sentiment', 'actionability', 'messageId', 'note'],
    status: 202,
    summary: "Correct the sentiment and/or actionability of the first message (or of `messageId`); also after completion, for the agent who handled it",
    response: CorrectionAcceptedDto,
    badRequest: "Neither label given, 'undeclared', an unknown messageId or a note over 500 characters",
    forbidden: 'Not your interaction',
    notFound: true,
    conflict: 'not-classified: the message has no classification yet; not-accepted: only offered to you',
  })
  correctClassification(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: ClassificationCorrectionDto,
  ): Promise<CorrectionAcceptedDto> {
    return this.corrections.correct(agent, id, body);
  }

  @Post(':id/done')
  @CommandRoute({
    audit: 'done',
    keep: ['disposition', 'note'],
    status: 202,
    summary: "Mark done with a disposition code of the interaction's brand (GET /api/dispositions; required when the brand says so) and an optional note; both are kept with the interaction (its completion)",
    response: CommandAcceptedDto,
    badRequest: 'validation-failed naming disposition (unknown or retired, with the allowed codes; missing when required) or note (blank, over 2,000 characters)',
    forbidden: 'Not your interaction',
    conflict: 'not-accepted: only offered to you, accept it first; or interaction-completed',
  })
  async done(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Body() body: DoneDto,
  ): Promise<CommandAcceptedDto> {
    await this.dispositions.checkDone(agent, id, body);
    return this.commands.complete(agent, id, body.disposition, body.note);
  }
}
