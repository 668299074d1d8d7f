import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import { type QueueCounterStore, QueueCountersProjector } from '@perch/routing';

import { BusSubscriptionsConsumer } from '../bus-subscriptions.consumer';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_INTERACTION_SERIES, GATEWAY_OPTIONS, GATEWAY_QUEUE_COUNTERS } from '../gateway.constants';
import { InteractionSeriesProjector } from './interaction-series-projector.domain';
import { type InteractionSeriesStore } from './interaction-series-store.port';
import { SupervisorDataService } from './supervisor-data.service';

/**
 * Supervisors' per-queue counters from routing.interaction.v1. A shared group (one replica counts each event;
 * the store counts each fact once anyway) from the earliest offset, like the other projections: the projector skips
 * what is older than its horizon, so a first start fills today's counts without reviving old days. The same events
 * fill the charts' time series (each store counts each fact once, so a retry after one of the two wrote is harmless).
 */
@Injectable()
export class SupervisorCountersConsumer extends BusSubscriptionsConsumer {
  private readonly projector: QueueCountersProjector;
  private readonly series: InteractionSeriesProjector;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(GATEWAY_QUEUE_COUNTERS) counters: QueueCounterStore,
    @Inject(GATEWAY_INTERACTION_SERIES) series: InteractionSeriesStore,
    data: SupervisorDataService,
  ) {
    super();
    // The threshold the views report is the one the counts were made with.
    this.projector = new QueueCountersProjector(counters, { serviceLevelMs: data.serviceLevelMs, clock: data.clock });
    this.series = new InteractionSeriesProjector(series, { clock: data.clock });
  }

  protected async subscribe(): Promise<ConsumerHandle[]> {
    if (this.options.run?.supervisorCounters === false) return [];
    return [
      await this.bus.subscribe(
        Topics.InteractionLifecycle,
        ConsumerGroups.SupervisorCounters,
        async (event) => {
          await this.projector.apply(event);
          await this.series.apply(event);
        },
        { fromBeginning: true },
      ),
    ];
  }
}
