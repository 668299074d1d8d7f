import { isInfrastructureError, LuaScript, type RedisClient, type RedisScriptCall, WriteCoalescer } from '@perch/platform';
import { counterFactOutcomeOf, type RedisQueueCounterStore } from '@perch/routing';
import { ReplyError } from 'ioredis';

import { type RedisInteractionSeriesStore, seriesFactCountedOf } from './redis-interaction-series-store.adapter';
import { RECORD_SUPERVISOR_FACTS_SCRIPT } from './supervisor-facts.script';
import { type SupervisorFacts, type SupervisorFactsOutcome, type SupervisorFactsWriter } from './supervisor-facts-writer.port';

const RECORD_FACTS = new LuaScript('record-supervisor-facts', RECORD_SUPERVISOR_FACTS_SCRIPT, 'any');

/** Events written in one call at most: a few hundred keys and arguments. */
const DEFAULT_MAX_BATCH = 100;

/** The keys each store's script takes: the script reads them as a pair. */
const KEYS_PER_FACT = 2;

/** One event's facts as the stores' own scripts take them, validated. */
interface FactsCall {
  counter?: RedisScriptCall;
  series?: RedisScriptCall;
}

export interface RedisSupervisorFactsWriterOptions {
  /** Events written in one Redis call at most. Default 100. */
  maxBatch?: number;
}

/**
 * The supervisor facts on Redis: the two stores' own scripts, keys and arguments, run together in one call for all
 * the events recorded while the previous call was in flight (WriteCoalescer, as the audit's appends are: ADR 30). Each
 * record() still resolves only once its own facts are written, with its own outcome. It was one call per event (ADR
 * 37): three to four per handled tweet, the gateway's largest share of Redis' calls after its holder checks (ADR 37,
 * amendment). Every key carries the tenant's hash tag, so one script may touch them all on a cluster.
 */
export class RedisSupervisorFactsWriter implements SupervisorFactsWriter {
  private readonly writes: WriteCoalescer<FactsCall, SupervisorFactsOutcome>;

  constructor(
    private readonly redis: RedisClient,
    private readonly counters: RedisQueueCounterStore,
    private readonly series: RedisInteractionSeriesStore,
    options: RedisSupervisorFactsWriterOptions = {},
  ) {
    if (counters.tenant !== series.tenant) {
      throw new Error(`Supervisor counters (${counters.tenant}) and series (${series.tenant}) must share a tenant`);
    }
    this.writes = new WriteCoalescer((calls) => this.recordBatch(calls), {
      maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      // Redis refusing what the batch touched (a key of the wrong type, a script error), not Redis being away: the
      // batch is halved until the event whose facts cause it fails alone, and the others are written.
      isItemError: (error) => error instanceof ReplyError && !isInfrastructureError(error),
    });
  }

  async record(facts: SupervisorFacts): Promise<SupervisorFactsOutcome> {
    // Validated before it joins a batch: a bad fact is refused alone, and its batch goes on without it.
    const call: FactsCall = {};
    if (facts.counter) call.counter = this.counters.recordCall(facts.counter);
    if (facts.series) call.series = this.series.recordCall(facts.series);
    if (!call.counter && !call.series) return {};
    return this.writes.submit(call);
  }

  private async recordBatch(calls: readonly FactsCall[]): Promise<SupervisorFactsOutcome[]> {
    const keys: string[] = [];
    const args: string[] = [];
    for (const call of calls) {
      args.push(String(call.counter?.args.length ?? -1), String(call.series?.args.length ?? -1));
      for (const part of [call.counter, call.series]) {
        if (!part) continue;
        if (part.keys.length !== KEYS_PER_FACT) throw new Error(`A supervisor fact takes ${KEYS_PER_FACT} keys, got ${part.keys.length}`);
        keys.push(...part.keys);
        args.push(...part.args);
      }
    }
    const reply = await RECORD_FACTS.run(this.redis, keys, args);
    if (!Array.isArray(reply) || reply.length !== calls.length) {
      throw new Error(`Unexpected record-supervisor-facts reply for ${calls.length} events: ${JSON.stringify(reply)}`);
    }
    return calls.map((call, i) => outcomeOf(call, reply[i]));
  }
}

function outcomeOf(call: FactsCall, reply: unknown): SupervisorFactsOutcome {
  if (!Array.isArray(reply)) throw new Error(`Unexpected record-supervisor-facts reply ${JSON.stringify(reply)}`);
  const outcome: SupervisorFactsOutcome = {};
  if (call.counter) outcome.counter = counterFactOutcomeOf(reply[0]);
  if (call.series) outcome.series = seriesFactCountedOf(reply[1]);
  return outcome;
}
