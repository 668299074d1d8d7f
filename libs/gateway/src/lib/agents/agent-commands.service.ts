import { Inject, Injectable } from '@nestjs/common';
import { type AgentCommandPayload, type AgentPresence, DEFAULT_CONFERENCE_MAX_AGENTS, type PresenceCommandCause, Topics } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type AgentDirectory, type AgentProfile } from '@perch/agents';
import { ConflictError, newId } from '@perch/platform';
import { type AgentStateReader, type AgentStateView, type Assignment } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENT_STATES, GATEWAY_AGENTS, GATEWAY_BUS, GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { HolderChecks } from '../interactions/holder-checks.service';
import { isGuest } from '../interactions/holder-rules.domain';

/** Who made a presence change and why: the agent by default; a supervisor names themselves; the gateway names sign-out or disconnect. */
export interface PresenceOptions {
  reason?: string;
  cause?: PresenceCommandCause;
  actorId?: string;
}

/**
 * What an agent does that changes routing, published as agent.command.v1. The router is the authority: before
 * publishing, its record is read (HolderChecks) so an accept or decline of someone else's or a dead offer, or a done
 * on an interaction not accepted, is refused at once with the reason instead of a 202 that does nothing. The router
 * still decides (an accept beyond capacity, a race lost in between), and the outcome comes back on the socket.
 */
@Injectable()
export class AgentCommandsService {
  private readonly conferenceMaxAgents: number;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    private readonly holders: HolderChecks,
    @Inject(GATEWAY_AGENTS) private readonly directory: Pick<AgentDirectory, 'getAgent'>,
    @Inject(GATEWAY_AGENT_STATES) private readonly states: AgentStateReader,
    @Inject(GATEWAY_OPTIONS) options: Pick<GatewayOptions, 'conferenceMaxAgents'> = {},
  ) {
    this.conferenceMaxAgents = options.conferenceMaxAgents ?? DEFAULT_CONFERENCE_MAX_AGENTS;
  }

  /**
   * The capacity (and per-channel limits, when configured) is always the configured one (never the agent's say). The
   * reason (not-ready only) is checked by the caller against the configured list; the router checks it again.
   */
  async presence(agent: AgentProfile, presence: AgentPresence, options: PresenceOptions = {}): Promise<{ commandId: string }> {
    return this.send(
      {
        commandId: newId(),
        type: 'presence',
        agentId: agent.id,
        presence,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
        ...(options.cause === undefined ? {} : { cause: options.cause }),
        ...(options.actorId === undefined ? {} : { actorId: options.actorId }),
        skills: agent.skills,
        ...(presence === 'offline' ? {} : { capacity: agent.capacity }),
        ...(presence === 'offline' || agent.capacityByChannel === undefined ? {} : { capacityByChannel: agent.capacityByChannel }),
      },
      newId(),
    );
  }

  // The correlation id is the router's (its record has it): no read of the projection, so a PostgreSQL outage does
  // not stop agents from taking the offers the router keeps making.
  async accept(agent: AgentProfile, interactionId: string, offerId: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireOffer(agent, interactionId, offerId, 'accept');
    return this.send({ commandId: newId(), type: 'accept', agentId: agent.id, interactionId, offerId }, holder.correlationId);
  }

  async decline(agent: AgentProfile, interactionId: string, offerId: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireOffer(agent, interactionId, offerId, 'decline');
    return this.send({ commandId: newId(), type: 'decline', agentId: agent.id, interactionId, offerId }, holder.correlationId);
  }

  async complete(agent: AgentProfile, interactionId: string, disposition?: string, note?: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireHolder(agent, interactionId);
    return this.send(
      {
        commandId: newId(),
        type: 'complete',
        agentId: agent.id,
        interactionId,
        ...(disposition === undefined ? {} : { disposition }),
        ...(note === undefined ? {} : { note }),
      },
      holder.correlationId,
    );
  }

  /**
   * Transfer, only by the holder (the router's record, ADR 0013), with a reason the next agent sees: to the queue, or
   * (toAgentId) as an offer to a named agent, refused here with 409 and the reason (oneself, unknown, offline, no room,
   * a transfer already pending) from the router's own records; the router checks again (a race lost in between).
   */
  async transfer(agent: AgentProfile, interactionId: string, reason: string, toAgentId?: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireHolder(agent, interactionId);
    // Simplest honest rule: a conference ends (guests leave, or the holder hands over) before the interaction moves on.
    if ((holder.conferenceAgentIds ?? []).length > 0) {
      throw new ConflictError<GatewayErrorCode>('Guests are in the conference: they leave, or you hand over, before a transfer', GatewayErrorCode.InConference, {
        guests: (holder.conferenceAgentIds ?? []).join(','),
      });
    }
    if (holder.conferenceOffer !== undefined) {
      throw new ConflictError<GatewayErrorCode>(`An invitation to ${holder.conferenceOffer.toAgentId} is waiting for an answer`, GatewayErrorCode.InvitationPending);
    }
    if (toAgentId !== undefined) await this.assertTransferTarget(agent, holder, toAgentId);
    return this.send(
      {
        commandId: newId(),
        type: 'transfer',
        agentId: agent.id,
        interactionId,
        transferReason: reason,
        ...(toAgentId === undefined ? {} : { toAgentId }),
      },
      holder.correlationId,
    );
  }

  /**
   * Conference: only the holder (the router's record) invites a colleague, refused here with 409 and the reason
   * (oneself, unknown, offline, no room in the channel, a guest already, the conference full, an invitation or a
   * transfer pending) from the router's own records; the router checks again (a race lost in between).
   */
  async inviteToConference(agent: AgentProfile, interactionId: string, toAgentId: string, reason?: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireHolder(agent, interactionId);
    const refuse = (message: string, code: GatewayErrorCode): never => {
      throw new ConflictError<GatewayErrorCode>(message, code, { agentId: toAgentId });
    };
    if (holder.transferOffer !== undefined) refuse(`A transfer to ${holder.transferOffer.toAgentId} is waiting for an answer`, GatewayErrorCode.TransferPending);
    if (holder.conferenceOffer !== undefined) refuse(`An invitation to ${holder.conferenceOffer.toAgentId} is waiting for an answer`, GatewayErrorCode.InvitationPending);
    if (toAgentId === agent.id) refuse('You cannot invite yourself', GatewayErrorCode.InviteSelf);
    const guests = holder.conferenceAgentIds ?? [];
    if (guests.includes(toAgentId)) refuse(`${toAgentId} is in the conference already`, GatewayErrorCode.AlreadyInConference);
    if (1 + guests.length >= this.conferenceMaxAgents) {
      refuse(`The conference is full (${1 + guests.length} of ${this.conferenceMaxAgents} agents)`, GatewayErrorCode.ConferenceFull);
    }
    if (!this.directory.getAgent(toAgentId)) refuse(`Unknown agent ${toAgentId}`, GatewayErrorCode.UnknownAgent);
    this.assertRoom(toAgentId, holder, await this.states.stateOf(toAgentId));
    return this.send(
      {
        commandId: newId(),
        type: 'conference',
        agentId: agent.id,
        interactionId,
        toAgentId,
        ...(reason === undefined ? {} : { conferenceReason: reason }),
      },
      holder.correlationId,
    );
  }

  /**
   * A guest leaves the conference; the holder leaves only by handing over to a guest (`handOverTo`), who becomes the
   * holder. Checked against the router's record (403 neither holder nor guest, 409 with the reason) before publishing.
   */
  async leaveConference(agent: AgentProfile, interactionId: string, handOverTo?: string): Promise<{ commandId: string }> {
    const holder = await this.holders.requireHolder(agent, interactionId, { guestsToo: true });
    if (isGuest(holder, agent.id)) {
      if (handOverTo !== undefined) {
        throw new ConflictError<GatewayErrorCode>('Only the holder hands the interaction over; leave without handOverTo', GatewayErrorCode.NotHolder, { handOverTo });
      }
    } else if (handOverTo === undefined) {
      throw new ConflictError<GatewayErrorCode>('The holder leaves only by handing over to a guest (handOverTo)', GatewayErrorCode.HolderMustHandOver);
    } else if (!(holder.conferenceAgentIds ?? []).includes(handOverTo)) {
      throw new ConflictError<GatewayErrorCode>(`${handOverTo} is not a guest of this conference`, GatewayErrorCode.NotInConference, { handOverTo });
    }
    return this.send(
      {
        commandId: newId(),
        type: 'leave-conference',
        agentId: agent.id,
        interactionId,
        ...(handOverTo === undefined ? {} : { toAgentId: handOverTo }),
      },
      holder.correlationId,
    );
  }

  /** Signed in, with room for the interaction's channel (the router's record of the agent), else 409. */
  private assertRoom(agentId: string, holder: Assignment, target: AgentStateView | undefined): void {
    const refuse = (message: string, code: GatewayErrorCode): never => {
      throw new ConflictError<GatewayErrorCode>(message, code, { agentId });
    };
    if (!target || target.state === 'offline') refuse(`${agentId} is offline`, GatewayErrorCode.AgentOffline);
    const channel = holder.channel ?? 'public';
    const limit = target?.capacityByChannel?.[channel] ?? target?.capacity ?? 0;
    if (target && (target.load >= target.capacity || target.loadByChannel[channel] >= limit)) {
      refuse(`${agentId} is at capacity (${target.load}/${target.capacity}, ${channel} ${target.loadByChannel[channel]}/${limit})`, GatewayErrorCode.AgentAtCapacity);
    }
  }

  private async assertTransferTarget(agent: AgentProfile, holder: Assignment, toAgentId: string): Promise<void> {
    const refuse = (message: string, code: GatewayErrorCode): never => {
      throw new ConflictError<GatewayErrorCode>(message, code, { toAgentId });
    };
    if (holder.transferOffer !== undefined) refuse(`A transfer to ${holder.transferOffer.toAgentId} is waiting for an answer`, GatewayErrorCode.TransferPending);
    if (toAgentId === agent.id) refuse('You cannot transfer an interaction to yourself', GatewayErrorCode.TransferToSelf);
    if (!this.directory.getAgent(toAgentId)) refuse(`Unknown agent ${toAgentId}`, GatewayErrorCode.UnknownAgent);
    const target = await this.states.stateOf(toAgentId);
    if (!target || target.state === 'offline') refuse(`${toAgentId} is offline`, GatewayErrorCode.AgentOffline);
    const channel = holder.channel ?? 'public';
    const limit = target?.capacityByChannel?.[channel] ?? target?.capacity ?? 0;
    if (target && (target.load >= target.capacity || target.loadByChannel[channel] >= limit)) {
      refuse(`${toAgentId} is at capacity (${target.load}/${target.capacity}, ${channel} ${target.loadByChannel[channel]}/${limit})`, GatewayErrorCode.AgentAtCapacity);
    }
  }

  private async send(payload: AgentCommandPayload, correlationId: string): Promise<{ commandId: string }> {
    await this.bus.publish(Topics.AgentCommand, payload, { correlationId });
    return { commandId: payload.commandId };
  }
}
