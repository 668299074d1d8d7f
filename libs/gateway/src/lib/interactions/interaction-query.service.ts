import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError, type InteractionStore, type InteractionView } from '@perch/interactions';
import { NotFoundError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';

const DEFAULT_CONSISTENCY_WAIT_MS = 1500;
const POLL_MS = 20;

/** Reads of the agent's own interactions; another agent's interaction is refused, not hidden. */
@Injectable()
export class InteractionQueryService {
  private readonly consistencyWaitMs: number;

  constructor(
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.consistencyWaitMs = options.consistencyWaitMs ?? DEFAULT_CONSISTENCY_WAIT_MS;
  }

  listMine(agent: AgentProfile): Promise<InteractionView[]> {
    return this.store.listByAgent(agent.id);
  }

  /**
   * The store is written by the projector's consumer group, which can trail the socket push that told the
   * agent about the interaction by a few ms (more under load). An agent acting at once on what their socket
   * said would otherwise be refused, so a missing or not-yet-theirs view is re-read for a bounded time.
   */
  async getMine(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    const deadline = Date.now() + this.consistencyWaitMs;
    for (;;) {
      const view = await this.store.get(interactionId);
      if (view && view.agentId === agent.id) return view;
      if (Date.now() >= deadline) {
        if (!view) throw new NotFoundError(`Interaction ${interactionId} not found`, 'interaction-not-found');
        throw new ForbiddenError(`Interaction ${interactionId} is not assigned to you`, 'not-your-interaction');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
