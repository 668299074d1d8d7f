import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError, type InteractionStore, type InteractionView } from '@perch/interactions';
import { NotFoundError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { LocalViewCache } from '../ws/local-view-cache.service';

const DEFAULT_CONSISTENCY_WAIT_MS = 1500;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

/** Reads of the agent's own interactions; another agent's interaction is refused, not hidden. */
@Injectable()
export class InteractionQueryService {
  private readonly consistencyWaitMs: number;

  constructor(
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly localViews: LocalViewCache,
  ) {
    this.consistencyWaitMs = options.consistencyWaitMs ?? DEFAULT_CONSISTENCY_WAIT_MS;
  }

  listMine(agent: AgentProfile): Promise<InteractionView[]> {
    return this.store.listByAgent(agent.id);
  }

  /**
   * This replica's own event stream (the local view cache) is consulted first: it already told the agent
   * about the interaction, costs no round trip, and is never behind the store, which the shared projector
   * writes a few ms (more under load) after the push. Otherwise the store decides; when it does not show the
   * agent as owner yet it is re-read with backoff for a bounded time (backoff, because many waiting requests
   * polling fast would add to the load that made the projector late).
   */
  async getMine(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    const deadline = Date.now() + this.consistencyWaitMs;
    let pause = FIRST_POLL_MS;
    for (;;) {
      const known = this.localViews.get(interactionId);
      if (known && known.agentId === agent.id && known.state !== 'completed') return known;
      const view = await this.store.get(interactionId);
      if (view && view.agentId === agent.id) return view;
      if (Date.now() + pause > deadline) {
        if (!view) throw new NotFoundError(`Interaction ${interactionId} not found`, 'interaction-not-found');
        throw new ForbiddenError(`Interaction ${interactionId} is not assigned to you`, 'not-your-interaction');
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
  }
}
