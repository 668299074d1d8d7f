import { LuaScript, type RedisClient, type RedisScriptCall } from '@perch/platform';

import { type QueueRef } from '../assignments/routing-snapshot-reader.port';
import { compareQueues, queueKeyOf, splitQueueKey } from '../assignments/routing-snapshot.util';
import { replyString } from '../store/redis/redis-reply.util';
import { assertValidTenant } from '../store/routing-store.util';
import {
  type CounterFact,
  type CounterFactOutcome,
  DEFAULT_COUNTER_DAY_TTL_MS,
  DEFAULT_COUNTER_MARKS_TTL_MS,
  QUEUE_COUNTERS,
  type QueueCounterName,
  type QueueCounterStore,
  type QueueCounterStoreOptions,
  type QueueDayCounts,
  zeroCounts,
} from './queue-counter-store.port';
import { RECORD_COUNTER_FACT_SCRIPT } from './queue-counters.script';
import { assertValidFact } from './queue-counters.util';

const RECORD = new LuaScript('record-counter-fact', RECORD_COUNTER_FACT_SCRIPT, 2);
const OUTCOMES: readonly CounterFactOutcome[] = ['counted', 'duplicate', 'not-counted'];

/**
 * QueueCounterStore on Redis, shared by every gateway replica. Keys carry the tenant's hash tag (one cluster slot,
 * beside the router's): `perch:{t}:sup:ix:<interactionId>` (HASH of marks, expiring `marksTtlMs` after the last
 * fact) and `perch:{t}:sup:day:<YYYY-MM-DD>` (HASH `<queue key><counter>` → count, expiring `dayTtlMs` after the
 * last fact). A queue key is self-delimiting (`<channel>:<skill bytes>:<skill>:`), so the counter name follows it.
 */
export class RedisQueueCounterStore implements QueueCounterStore {
  private readonly prefix: string;
  private readonly marksTtlMs: number;
  private readonly dayTtlMs: number;

  constructor(
    private readonly redis: RedisClient,
    readonly tenant: string,
    options: QueueCounterStoreOptions = {},
  ) {
    assertValidTenant(tenant);
    this.prefix = `perch:{${tenant}}:sup:`;
    this.marksTtlMs = options.marksTtlMs ?? DEFAULT_COUNTER_MARKS_TTL_MS;
    this.dayTtlMs = options.dayTtlMs ?? DEFAULT_COUNTER_DAY_TTL_MS;
  }

  async record(fact: CounterFact): Promise<CounterFactOutcome> {
    const call = this.recordCall(fact);
    return counterFactOutcomeOf(await RECORD.run(this.redis, call.keys, call.args));
  }

  /**
   * The keys and arguments of RECORD_COUNTER_FACT_SCRIPT for a fact, validated: what record() runs, and what a caller
   * running this script inside a larger one (the gateway's supervisor facts, one call per event) passes.
   */
  recordCall(fact: CounterFact): RedisScriptCall {
    assertValidFact(fact);
    const queue = queueKeyOf(fact.queue);
    const args = [fact.mark, fact.unlessMarked ?? '', fact.ifMarked ?? '', String(this.marksTtlMs), String(this.dayTtlMs)];
    // A loop, not flatMap with an arrow: a closure made per call loses its optimized code at every major GC (ADR 49).
    for (const name of QUEUE_COUNTERS) {
      const value = fact.add[name] ?? 0;
      if (value !== 0) args.push(`${queue}${name}`, String(value));
    }
    return { keys: [`${this.prefix}ix:${fact.interactionId}`, this.dayKey(fact.day)], args };
  }

  async countsOn(day: string): Promise<QueueDayCounts[]> {
    const fields = await this.redis.hgetall(this.dayKey(day));
    const byQueue = new Map<string, QueueDayCounts>();
    for (const [field, value] of Object.entries(fields)) {
      const split = splitQueueKey(field);
      const name = QUEUE_COUNTERS.find((counter) => counter === split?.rest);
      // A counter this version does not know (a newer gateway's) is left out rather than misread.
      if (!split || !name) continue;
      entryFor(byQueue, split.queue).counts[name as QueueCounterName] = Number(value);
    }
    return [...byQueue.values()].sort((a, b) => compareQueues(a.queue, b.queue));
  }

  private dayKey(day: string): string {
    return `${this.prefix}day:${day}`;
  }
}

/** RECORD_COUNTER_FACT_SCRIPT's reply as an outcome; anything else is a bug worth failing on. */
export function counterFactOutcomeOf(reply: unknown): CounterFactOutcome {
  const text = replyString(reply, 'record-counter-fact');
  const outcome = OUTCOMES.find((candidate) => candidate === text);
  if (!outcome) throw new Error(`Unexpected record-counter-fact reply ${text}`);
  return outcome;
}

function entryFor(byQueue: Map<string, QueueDayCounts>, queue: QueueRef): QueueDayCounts {
  const key = queueKeyOf(queue);
  const found = byQueue.get(key) ?? { queue, counts: zeroCounts() };
  byQueue.set(key, found);
  return found;
}
