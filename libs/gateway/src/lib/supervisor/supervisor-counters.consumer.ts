import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { QueueCounterRules } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS, GATEWAY_SUPERVISOR_FACTS } from '../gateway.constants';
import { GatewaySharedGroups } from '../gateway-fan-in.consumer';
import { InteractionSeriesRules } from './interaction-series-projector.domain';
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
  private readonly counters: QueueCounterRules;
  private readonly series: InteractionSeriesRules;

  constructor(
    private readonly shared: GatewaySharedGroups,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(GATEWAY_SUPERVISOR_FACTS) private readonly facts: SupervisorFactsWriter,
    data: SupervisorDataService,
  ) {
    // The threshold the views report is the one the counts are made with; the facts writer holds the stores.
    this.counters = new QueueCounterRules({ serviceLevelMs: data.serviceLevelMs, clock: data.clock });
    this.series = new InteractionSeriesRules({ clock: data.clock });
  }

  onModuleInit(): void {
    this.shared.add(Topics.InteractionLifecycle, {
      name: 'counters',
      enabled: this.options.run?.supervisorCounters !== false,
      replaces: [ConsumerGroups.SupervisorCounters],
      handle: async (event) => {
        const counter = this.counters.factOf(event);
        const series = this.series.factOf(event);
        if (counter || series) await this.facts.record({ ...(counter ? { counter } : {}), ...(series ? { series } : {}) });
      },
    });
  }
}
