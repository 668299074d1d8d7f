import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError } from '@perch/agents';
import { InteractionErrorCode, type InteractionStore, type InteractionView } from '@perch/interactions';
import { backoffDelay, NotFoundError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { HolderChecks } from './holder-checks.service';
import { type HolderRuleOptions } from './holder-rules.domain';

const DEFAULT_CONSISTENCY_WAIT_MS = 1500;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

/**
 * Reads of the agent's own interactions; another agent's interaction is refused, not hidden. Reads (GET) come from
 * the projection; an action first asks HolderChecks (the router's record) and only then reads the view it acts on.
 */
@Injectable()
export class InteractionQueryService {
  private readonly consistencyWaitMs: number;

  constructor(
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly localViews: LocalViewCache,
    private readonly holders: HolderChecks,
  ) {
    this.consistencyWaitMs = options.consistencyWaitMs ?? DEFAULT_CONSISTENCY_WAIT_MS;
  }

  listMine(agent: AgentProfile): Promise<InteractionView[]> {
    return this.store.listByAgent(agent.id);
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
