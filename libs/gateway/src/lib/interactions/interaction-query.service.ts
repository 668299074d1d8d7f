import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError } from '@perch/agents';
import { InteractionErrorCode, type InteractionStore, type InteractionView } from '@perch/interactions';
import { backoffDelay, NotFoundError } from '@perch/platform';

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
}
