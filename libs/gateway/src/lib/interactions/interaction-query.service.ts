import { Inject, Injectable, Optional } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile, ForbiddenError } from '@perch/agents';
import { InteractionErrorCode, type InteractionStore, type InteractionView } from '@perch/interactions';
import { backoffDelay, classifyFailure, createLogger, NotFoundError } from '@perch/platform';
import { type AgentStateReader, type AgentStateView } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENT_STATES, GATEWAY_AGENTS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { HolderChecks } from './holder-checks.service';
import { type HolderRuleOptions } from './holder-rules.domain';
import { type AgentInteractionView, type InteractionConference } from './interaction-conference.types';

const DEFAULT_CONSISTENCY_WAIT_MS = 1500;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

/**
 * Reads of the agent's own interactions; another agent's interaction is refused, not hidden. Reads (GET) come from
 * the projection; an action first asks HolderChecks (the router's record) and only then reads the view it acts on.
 */
@Injectable()
export class InteractionQueryService {
  private readonly logger = createLogger('gateway-interactions');
  private readonly consistencyWaitMs: number;

  constructor(
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly localViews: LocalViewCache,
    private readonly holders: HolderChecks,
    @Optional() @Inject(GATEWAY_AGENT_STATES) private readonly agentStates?: AgentStateReader,
    @Optional() @Inject(GATEWAY_AGENTS) private readonly directory?: Pick<AgentDirectory, 'getAgent'>,
  ) {
    this.consistencyWaitMs = options.consistencyWaitMs ?? DEFAULT_CONSISTENCY_WAIT_MS;
  }

  /**
   * Held by the agent (the projection), and the conferences it is a guest of (the router's record), most recent first;
   * each with its conference's holder and guests from the same read of the router's record (none while it cannot be read).
   */
  async listMine(agent: AgentProfile): Promise<AgentInteractionView[]> {
    const held = await this.store.listByAgent(agent.id);
    const state = await this.guestStateOf(agent.id);
    const known = new Set(held.map((view) => view.id));
    const guestOf: InteractionView[] = [];
    for (const conference of state?.conferences ?? []) {
      if (known.has(conference.interactionId)) continue;
      const view = this.localViews.get(conference.interactionId) ?? (await this.store.get(conference.interactionId));
      if (view) guestOf.push(view);
    }
    const views = guestOf.length === 0 ? held : [...held, ...guestOf].sort((a, b) => b.updatedAt - a.updatedAt);
    const conferences = new Map<string, { holderAgentId: string; guests: string[] }>();
    for (const own of state?.assigned ?? []) {
      if ((own.conferenceAgentIds ?? []).length > 0) conferences.set(own.interactionId, { holderAgentId: agent.id, guests: own.conferenceAgentIds ?? [] });
    }
    for (const guest of state?.conferences ?? []) {
      conferences.set(guest.interactionId, { holderAgentId: guest.holderAgentId, guests: guest.conferenceAgentIds ?? [agent.id] });
    }
    return views.map((view) => this.withConference(view, conferences.get(view.id)));
  }

  /** GET of one view (getMine), with its conference's holder and guests as the router's record says now. */
  async getMineWithConference(agent: AgentProfile, interactionId: string): Promise<AgentInteractionView> {
    const view = await this.getMine(agent, interactionId);
    return this.withConference(view, view.state === 'completed' ? undefined : await this.holders.conferenceOf(interactionId));
  }

  private withConference(view: InteractionView, conference: { holderAgentId: string; guests: string[] } | undefined): AgentInteractionView {
    if (conference === undefined || conference.guests.length === 0 || view.state === 'completed') return view;
    const named: InteractionConference = {
      holder: this.participant(conference.holderAgentId),
      guests: conference.guests.map((id) => this.participant(id)),
    };
    return { ...view, conference: named };
  }

  /** The directory's display name; the id itself for an agent it no longer lists. */
  private participant(id: string): { id: string; name: string } {
    return { id, name: this.directory?.getAgent(id)?.displayName ?? id };
  }

  /** The router's record of the agent, for its conferences; while the router's store cannot be read, none (a read only). */
  private async guestStateOf(agentId: string): Promise<AgentStateView | undefined> {
    try {
      return await this.agentStates?.stateOf(agentId);
    } catch (error) {
      if (classifyFailure(error) !== 'transient') throw error;
      this.logger.warn({ agentId, err: error }, 'conferences not listed: the router state could not be read');
      return undefined;
    }
  }

  /**
   * For reads only (GET of a view, the customer's profile): what the desktop shows, never a right to act.
   * This replica's own event stream (the local view cache) is consulted first: it already told the agent
   * about the interaction, costs no round trip, and is never behind the store, which the shared projector
   * writes a few ms (more under load) after the push. Otherwise the store decides; when it does not show the
   * agent as owner yet it is re-read with backoff for a bounded time (backoff, because many waiting requests
   * polling fast would add to the load that made the projector late; jittered, so they do not poll in step).
   */
  async getMine(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    const deadline = Date.now() + this.consistencyWaitMs;
    for (let attempt = 1; ; attempt++) {
      const known = this.localViews.get(interactionId);
      if (known && known.agentId === agent.id && known.state !== 'completed') return known;
      const view = await this.store.get(interactionId);
      if (view && view.agentId === agent.id) return view;
      // A guest of the holder's conference sees it too (the router's record says who is a guest).
      if (view && attempt === 1 && view.state !== 'completed' && (await this.holders.isGuest(agent.id, interactionId))) return known ?? view;
      const pause = backoffDelay({ attempt, baseMs: FIRST_POLL_MS, maxMs: MAX_POLL_MS });
      if (Date.now() + pause > deadline) {
        if (!view) throw new NotFoundError<InteractionErrorCode>(`Interaction ${interactionId} not found`, InteractionErrorCode.NotFound);
        throw new ForbiddenError<InteractionErrorCode>(`Interaction ${interactionId} is not assigned to you`, InteractionErrorCode.NotYours);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * The view an action works on (the tweet to answer, the customer, the labels), once the router's record says the
   * agent holds the interaction (403 / 404 / 409 with the reason otherwise). The bounded wait stays for the view's
   * content only: the router has decided, but the projection may not have written the transcript yet when the
   * agent acts through a replica other than its socket's.
   */
  async getHeld(agent: AgentProfile, interactionId: string, options: HolderRuleOptions = {}): Promise<InteractionView> {
    await this.holders.requireHolder(agent, interactionId, options);
    const deadline = Date.now() + this.consistencyWaitMs;
    for (let attempt = 1; ; attempt++) {
      const view = this.localViews.get(interactionId) ?? (await this.store.get(interactionId));
      if (view) return view;
      const pause = backoffDelay({ attempt, baseMs: FIRST_POLL_MS, maxMs: MAX_POLL_MS });
      if (Date.now() + pause > deadline) {
        throw new NotFoundError<InteractionErrorCode>(`Interaction ${interactionId} not found`, InteractionErrorCode.NotFound);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
