import { LuaScript, type RedisClient } from '@perch/platform';
import { counterFactOutcomeOf, type RedisQueueCounterStore } from '@perch/routing';

import { type RedisInteractionSeriesStore, seriesFactCountedOf } from './redis-interaction-series-store.adapter';
import { RECORD_SUPERVISOR_FACTS_SCRIPT } from './supervisor-facts.script';
import { type SupervisorFacts, type SupervisorFactsOutcome, type SupervisorFactsWriter } from './supervisor-facts-writer.port';

const RECORD_BOTH = new LuaScript('record-supervisor-facts', RECORD_SUPERVISOR_FACTS_SCRIPT, 4);

/**
 * The supervisor facts of an event on Redis in one call (docs/adr/0037): the two stores' own scripts, keys and
 * arguments, run together when the event has both facts (created, accepted, completed), each store's own call when it
 * has one (offered and the releases count, they chart nothing). Every key carries the tenant's hash tag, so one
 * script may touch them all on a cluster.
 */
export class RedisSupervisorFactsWriter implements SupervisorFactsWriter {
  constructor(
    private readonly redis: RedisClient,
    private readonly counters: RedisQueueCounterStore,
    private readonly series: RedisInteractionSeriesStore,
  ) {
    if (counters.tenant !== series.tenant) {
      throw new Error(`Supervisor counters (${counters.tenant}) and series (${series.tenant}) must share a tenant`);
    }
  }

  async record(facts: SupervisorFacts): Promise<SupervisorFactsOutcome> {
    const { counter, series } = facts;
    if (counter && series) {
      const counterCall = this.counters.recordCall(counter);
      const seriesCall = this.series.recordCall(series);
      const reply = await RECORD_BOTH.run(
        this.redis,
        [...counterCall.keys, ...seriesCall.keys],
        [String(counterCall.args.length), ...counterCall.args, ...seriesCall.args],
      );
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`Unexpected record-supervisor-facts reply ${String(reply)}`);
      return { counter: counterFactOutcomeOf(reply[0]), series: seriesFactCountedOf(reply[1]) };
    }
    if (counter) return { counter: await this.counters.record(counter) };
    if (series) return { series: await this.series.record(series) };
    return {};
  }
}
