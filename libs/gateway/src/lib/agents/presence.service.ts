import { Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile } from '@perch/agents';
import { DEFAULT_NOT_READY_REASONS, MISSED_OFFER_REASON } from '@perch/contracts';
import { type InteractionStore } from '@perch/interactions';
import { type Clock, classifyFailure, NotFoundError, RetryableError, systemClock, ValidationFailedError } from '@perch/platform';
import { type AgentStateReader, type AgentStateView } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENT_STATES, GATEWAY_AGENTS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { offerMessageOf } from '../ws/offer-message.util';
import { type OfferMessage } from '../ws/ws-messages.types';
import { AgentCommandsService } from './agent-commands.service';
import { type AgentPresenceDto, type PresenceDto, type RosterEntryDto } from './presence.dto';

/**
 * An agent's presence as the router holds it (read through AgentStateReader from the router's own store, never a
 * guess of the gateway's), and the changes agents and supervisors ask for (agent.command.v1 presence, with the
 * reason and who caused it). The router applies them and announces the result on routing.agent.v1.
 */
@Injectable()
export class PresenceService {
  /** What agents may choose: the configured codes without missed-offer, which only the router sets. */
  private readonly reasons: readonly string[];
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_AGENT_STATES) private readonly states: AgentStateReader,
    @Inject(GATEWAY_AGENTS) private readonly directory: AgentDirectory,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly views: LocalViewCache,
    private readonly commands: AgentCommandsService,
  ) {
    this.reasons = (options.notReadyReasons ?? DEFAULT_NOT_READY_REASONS).filter((reason) => reason !== MISSED_OFFER_REASON);
    this.clock = options.clock ?? systemClock;
  }

  /** The router's state of the agent now; offline (since null) when the router has never heard of them. */
  async current(agent: AgentProfile): Promise<AgentPresenceDto> {
    const view = await this.read(agent.id);
    const at = new Date(this.clock.now()).toISOString();
    if (!view) {
      return {
        agentId: agent.id,
        state: 'offline',
        since: null,
        capacity: agent.capacity,
        ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: { ...agent.capacityByChannel } }),
        load: 0,
        loadByChannel: { public: 0, dm: 0 },
        reasons: [...this.reasons],
        at,
      };
    }
    return {
      agentId: view.agentId,
      state: view.state,
      ...(view.reason === undefined ? {} : { reason: view.reason }),
      since: new Date(view.since).toISOString(),
      ...(view.wrapUpUntil === undefined ? {} : { wrapUpEndsAt: new Date(view.wrapUpUntil).toISOString() }),
      capacity: view.capacity,
      ...(view.capacityByChannel === undefined ? {} : { capacityByChannel: { ...view.capacityByChannel } }),
      load: view.load,
      loadByChannel: { ...view.loadByChannel },
      reasons: [...this.reasons],
      at,
    };
  }

  /** The agent's own change (cause agent). */
  async set(agent: AgentProfile, body: PresenceDto): Promise<{ commandId: string }> {
    this.assertValid(body);
    return await this.commands.presence(agent, body.state, { ...(body.reason === undefined ? {} : { reason: body.reason }) });
  }

  /** A supervisor's (or admin's) change of another agent's presence (cause supervisor); 404 for an unknown agent. */
  async setFor(actor: AgentProfile, agentId: string, body: PresenceDto): Promise<{ commandId: string; agentId: string }> {
    const target = this.directory.getAgent(agentId);
    if (!target) throw new NotFoundError<GatewayErrorCode>(`No agent ${agentId}`, GatewayErrorCode.UnknownAgent, { agentId });
    this.assertValid(body);
    const { commandId } = await this.commands.presence(target, body.state, {
      ...(body.reason === undefined ? {} : { reason: body.reason }),
      cause: 'supervisor',
      actorId: actor.id,
    });
    return { commandId, agentId: target.id };
  }

  /**
   * The offers the router's record says wait for the agent's answer, as the socket's `offer` messages (what the toast
   * shows comes from the agent's view of the interaction). An offer whose view is not projected yet is left out: the
   * router has just made it, and its push is on the way.
   */
  async pendingOffers(agent: AgentProfile): Promise<OfferMessage[]> {
    const view = await this.read(agent.id);
    const now = this.clock.now();
    const offers: OfferMessage[] = [];
    for (const offer of view?.offers ?? []) {
      if (offer.expiresAt <= now) continue;
      const interaction = this.views.get(offer.interactionId) ?? (await this.store.get(offer.interactionId));
      if (!interaction?.firstMessage || !interaction.classification) continue;
      // A transfer offer or an invitation to a conference is marked as its push was, with the reason the router kept;
      // an offer to the customer's last agent is marked sticky as its push was.
      const from = { fromAgentId: offer.fromAgentId ?? '', reason: offer.reason ?? '' };
      const marker =
        offer.kind === 'transfer' ? { transfer: from } : offer.kind === 'conference' ? { conference: from } : offer.sticky === true ? { sticky: true as const } : {};
      offers.push({
        ...offerMessageOf({
          interactionId: offer.interactionId,
          offerId: offer.offerId,
          expiresAt: new Date(offer.expiresAt).toISOString(),
          priority: interaction.priority,
          brandAccountId: interaction.brandAccountId,
          conversationKey: interaction.conversationKey,
          message: interaction.firstMessage,
          classification: interaction.classification,
        }),
        ...marker,
      });
    }
    return offers;
  }

  /** Not-ready needs one of the agents' reasons; the other states take none. Every problem names the field. */
  private assertValid(body: PresenceDto): void {
    if (body.state === 'not-ready') {
      if (body.reason === undefined) {
        throw new ValidationFailedError('Not ready needs a reason', [{ field: 'reason', messages: [`required with not-ready: one of ${this.reasons.join(', ')}`] }]);
      }
      if (!this.reasons.includes(body.reason)) {
        throw new ValidationFailedError(`Unknown not-ready reason ${body.reason}`, [
          { field: 'reason', messages: [`reason must be one of: ${this.reasons.join(', ')}`] },
        ]);
      }
    } else if (body.reason !== undefined) {
      throw new ValidationFailedError(`A ${body.state} presence takes no reason`, [{ field: 'reason', messages: ['only a not-ready presence has a reason'] }]);
    }
  }

  /** Every agent of the directory but the caller, with the router's state: whom a transfer may name. */
  async roster(agent: AgentProfile): Promise<RosterEntryDto[]> {
    const others = this.directory.list().filter((profile) => profile.id !== agent.id);
    const states = await Promise.all(others.map((profile) => this.read(profile.id)));
    return others.map((profile, i) => ({ id: profile.id, name: profile.displayName, state: states[i]?.state ?? 'offline' }));
  }

  private async read(agentId: string): Promise<AgentStateView | undefined> {
    try {
      return await this.states.stateOf(agentId);
    } catch (error) {
      // Redis restarting or failing over: a 503 the desktop retries, never a guess.
      if (classifyFailure(error) !== 'transient') throw error;
      throw new RetryableError<GatewayErrorCode>("The router's state could not be read; try again", GatewayErrorCode.RoutingUnavailable, { agentId });
    }
  }
}
