import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type QueueCounterStore, QueueCountersProjector } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_INTERACTION_SERIES, GATEWAY_OPTIONS, GATEWAY_QUEUE_COUNTERS, GATEWAY_SUPERVISOR_FACTS } from '../gateway.constants';
import { GatewaySharedGroups } from '../gateway-fan-in.consumer';
import { InteractionSeriesProjector } from './interaction-series-projector.domain';
import { type InteractionSeriesStore } from './interaction-series-store.port';
import { type SupervisorFactsWriter } from './supervisor-facts-writer.port';
import { SupervisorDataService } from './supervisor-data.service';

/**
 * Supervisors' per-queue counters from routing.interaction.v1, in the gateway's shared lifecycle group on that topic
 * (one replica counts each event; each store counts each fact once, per interaction and mark, so a redelivery or a
 * retry of the event for another handler of the group is harmless) from the earliest offset, like the other
 * projections: the projector skips what is older than its horizon, so a first start fills today's counts without
 * reviving old days. The same events fill the charts' time series.
 */
@Injectable()
export class SupervisorCountersConsumer implements OnModuleInit {
  private readonly projector: QueueCountersProjector;
  private readonly series: InteractionSeriesProjector;

  constructor(
    private readonly shared: GatewaySharedGroups,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(GATEWAY_QUEUE_COUNTERS) counters: QueueCounterStore,
    @Inject(GATEWAY_INTERACTION_SERIES) series: InteractionSeriesStore,
    @Inject(GATEWAY_SUPERVISOR_FACTS) private readonly facts: SupervisorFactsWriter,
    data: SupervisorDataService,
  ) {
    // The threshold the views report is the one the counts were made with.
    this.projector = new QueueCountersProjector(counters, { serviceLevelMs: data.serviceLevelMs, clock: data.clock });
    this.series = new InteractionSeriesProjector(series, { clock: data.clock });
  }

  onModuleInit(): void {
    this.shared.add(Topics.InteractionLifecycle, {
      name: 'counters',
      enabled: this.options.run?.supervisorCounters !== false,
      replaces: [ConsumerGroups.SupervisorCounters],
      handle: async (event) => {
        const counter = this.projector.factOf(event);
        const series = this.series.factOf(event);
        if (counter || series) await this.facts.record({ ...(counter ? { counter } : {}), ...(series ? { series } : {}) });
      },
    });
  }
}
