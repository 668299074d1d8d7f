import { type QueueCounterStore } from '@perch/routing';

import { type InteractionSeriesStore } from './interaction-series-store.port';
import { type SupervisorFacts, type SupervisorFactsOutcome, type SupervisorFactsWriter } from './supervisor-facts-writer.port';

/**
 * Each fact through its own store, both at once (embedded mode's memory stores, and any pair of stores without a
 * shared backend). Both are awaited before a failure is reported, so a retry of the event never overlaps a write of it
 * still in flight; each store's marks make the retry count nothing twice.
 */
export class PerStoreSupervisorFactsWriter implements SupervisorFactsWriter {
  constructor(
    private readonly counters: QueueCounterStore,
    private readonly series: InteractionSeriesStore,
  ) {}

  async record(facts: SupervisorFacts): Promise<SupervisorFactsOutcome> {
    const [counter, series] = await Promise.allSettled([
      facts.counter ? this.counters.record(facts.counter) : undefined,
      facts.series ? this.series.record(facts.series) : undefined,
    ]);
    if (counter.status === 'rejected') throw counter.reason;
    if (series.status === 'rejected') throw series.reason;
    return {
      ...(counter.value === undefined ? {} : { counter: counter.value }),
      ...(series.value === undefined ? {} : { series: series.value }),
    };
  }
}
