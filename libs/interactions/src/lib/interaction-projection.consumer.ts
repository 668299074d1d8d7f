import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';

import { type InteractionsModuleDeps } from './interactions-deps.types';
import { INTERACTIONS_DEPS } from './interactions.constants';
import { InteractionViewProjector } from './view/interaction-view-projector.domain';

/**
 * Keeps the InteractionStore current from routing events, reply outcomes and classification corrections.
 * Shared groups: each event is written once per cluster, not once per replica, which is what lets the store
 * keep up at volume.
 */
@Injectable()
export class InteractionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];
  private readonly projector: InteractionViewProjector;

  constructor(@Inject(INTERACTIONS_DEPS) private readonly deps: InteractionsModuleDeps) {
    this.projector = new InteractionViewProjector(deps.interactionStore);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.deps.options?.run?.projector === false) return;
    this.handles.push(
      // Work-sharing groups start from the earliest offset, like every other service's: events published
      // before the first gateway ever ran still reach the store (the projection is idempotent).
      await this.deps.bus.subscribe(Topics.InteractionLifecycle, ConsumerGroups.ProjectorRouting, (event) => this.projector.applyLifecycle(event), {
        fromBeginning: true,
      }),
      await this.deps.bus.subscribe(Topics.OutboundCompleted, ConsumerGroups.ProjectorReplies, (event) => this.projector.applyOutboundCompleted(event), {
        fromBeginning: true,
      }),
      await this.deps.bus.subscribe(
        Topics.ClassificationCorrected,
        ConsumerGroups.ProjectorCorrections,
        (event) => this.projector.applyClassificationCorrected(event),
        { fromBeginning: true },
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
