import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import { type InteractionStore, InteractionViewProjector } from '@perch/interactions';

import { type GatewayOptions } from '../gateway-deps.types';
import {
  GATEWAY_BUS,
  GATEWAY_INTERACTION_STORE,
  GATEWAY_OPTIONS,
  PROJECTOR_CORRECTIONS_GROUP,
  PROJECTOR_REPLIES_GROUP,
  PROJECTOR_ROUTING_GROUP,
} from '../gateway.constants';

/**
 * Keeps the InteractionStore current from routing events, reply outcomes and classification corrections.
 * Shared groups: each event is written once per cluster, not once per replica, which is what lets the store
 * keep up at volume.
 */
@Injectable()
export class InteractionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];
  private readonly projector: InteractionViewProjector;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_INTERACTION_STORE) store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.projector = new InteractionViewProjector(store);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.run?.projector === false) return;
    this.handles.push(
      // Work-sharing groups start from the earliest offset, like every other service's: events published
      // before the first gateway ever ran still reach the store (the projection is idempotent).
      await this.bus.subscribe(Topics.InteractionLifecycle, PROJECTOR_ROUTING_GROUP, (event) => this.projector.applyLifecycle(event), {
        fromBeginning: true,
      }),
      await this.bus.subscribe(Topics.OutboundCompleted, PROJECTOR_REPLIES_GROUP, (event) => this.projector.applyOutboundCompleted(event), {
        fromBeginning: true,
      }),
      await this.bus.subscribe(
        Topics.ClassificationCorrected,
        PROJECTOR_CORRECTIONS_GROUP,
        (event) => this.projector.applyClassificationCorrected(event),
        { fromBeginning: true },
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
