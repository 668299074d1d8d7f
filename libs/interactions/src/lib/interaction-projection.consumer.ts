import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { ConsumerFanIn, type ConsumerHandle, fanInTargetOf, type FanInTarget, legacyGroupOf } from '@perch/messaging';

import { type InteractionsModuleDeps } from './interactions-deps.types';
import { INTERACTIONS_DEPS } from './interactions.constants';
import { InteractionViewProjector } from './view/interaction-view-projector.domain';

/** Where the projector ran alone, one group per topic (retired in the gateway, which seeds its lifecycle groups from them). */
const PROJECTOR_GROUPS = {
  [Topics.InteractionLifecycle]: ConsumerGroups.ProjectorRouting,
  [Topics.OutboundCompleted]: ConsumerGroups.ProjectorReplies,
  [Topics.ClassificationCorrected]: ConsumerGroups.ProjectorCorrections,
} as const;

/**
 * Keeps the InteractionStore current from routing events, reply outcomes and classification corrections.
 * Shared groups: each event is written once per cluster, not once per replica, which is what lets the store
 * keep up at volume. The writes are idempotent and order-tolerant, so a redelivery (or a retry of the event for
 * another handler of the same fan-in group) changes nothing. In the gateway the handlers join the gateway's
 * lifecycle groups (deps.fanIn); booted on its own the module opens its own groups.
 */
@Injectable()
export class InteractionProjectionConsumer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];
  private readonly projector: InteractionViewProjector;
  private readonly own: ConsumerFanIn | undefined;
  private readonly target: FanInTarget;

  constructor(@Inject(INTERACTIONS_DEPS) private readonly deps: InteractionsModuleDeps) {
    this.projector = new InteractionViewProjector(deps.interactionStore);
    // Work-sharing groups start from the earliest offset, like every other service's: events published
    // before the first gateway ever ran still reach the store (the projection is idempotent).
    ({ target: this.target, own: this.own } = fanInTargetOf(
      deps.fanIn,
      () => new ConsumerFanIn(deps.bus, { groupOf: legacyGroupOf(PROJECTOR_GROUPS), fromBeginning: true }),
    ));
  }

  onModuleInit(): void {
    const target = this.target;
    const enabled = this.deps.options?.run?.projector !== false;
    target.add(Topics.InteractionLifecycle, {
      name: 'projector',
      enabled,
      replaces: [PROJECTOR_GROUPS[Topics.InteractionLifecycle]],
      handle: (event) => this.projector.applyLifecycle(event),
    });
    target.add(Topics.OutboundCompleted, {
      name: 'projector',
      enabled,
      replaces: [PROJECTOR_GROUPS[Topics.OutboundCompleted]],
      handle: (event) => this.projector.applyOutboundCompleted(event),
    });
    target.add(Topics.ClassificationCorrected, {
      name: 'projector',
      enabled,
      replaces: [PROJECTOR_GROUPS[Topics.ClassificationCorrected]],
      handle: (event) => this.projector.applyClassificationCorrected(event),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.own) this.handles.push(...(await this.own.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
