import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError, type InteractionStore, type InteractionView } from '@perch/interactions';
import { NotFoundError } from '@perch/platform';

import { GATEWAY_INTERACTION_STORE } from '../gateway.constants';

/** Reads of the agent's own interactions; another agent's interaction is refused, not hidden. */
@Injectable()
export class InteractionQueryService {
  constructor(@Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore) {}

  listMine(agent: AgentProfile): Promise<InteractionView[]> {
    return this.store.listByAgent(agent.id);
  }

  async getMine(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    const view = await this.store.get(interactionId);
    if (!view) throw new NotFoundError(`Interaction ${interactionId} not found`, 'interaction-not-found');
    if (view.agentId !== agent.id) {
      throw new ForbiddenError(`Interaction ${interactionId} is not assigned to you`, 'not-your-interaction');
    }
    return view;
  }
}
