import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import { type QueueCounterStore, QueueCountersProjector } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS, GATEWAY_QUEUE_COUNTERS } from '../gateway.constants';
import { SupervisorDataService } from './supervisor-data.service';

/**
 * Supervisors' per-queue counters from routing.interaction.v1. A shared group (one replica counts each event;
 * the store counts each fact once anyway) from the earliest offset, like the other projections: the projector skips
 * what is older than its horizon, so a first start fills today's counts without reviving old days.
 */
@Injectable()
export class SupervisorCountersConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];
  private readonly projector: QueueCountersProjector;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(GATEWAY_QUEUE_COUNTERS) counters: QueueCounterStore,
    data: SupervisorDataService,
  ) {
    // The threshold the views report is the one the counts were made with.
    this.projector = new QueueCountersProjector(counters, { serviceLevelMs: data.serviceLevelMs, clock: data.clock });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.run?.supervisorCounters === false) return;
    this.handles.push(
      await this.bus.subscribe(Topics.InteractionLifecycle, ConsumerGroups.SupervisorCounters, async (event) => void (await this.projector.apply(event)), {
        fromBeginning: true,
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
