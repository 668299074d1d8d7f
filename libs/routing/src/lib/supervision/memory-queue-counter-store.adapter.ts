import { type Clock, systemClock } from '@perch/platform';

import { compareQueues, queueKeyOf } from '../assignments/routing-snapshot.util';
import {
  type CounterFact,
  type CounterFactOutcome,
  DEFAULT_COUNTER_DAY_TTL_MS,
  DEFAULT_COUNTER_MARKS_TTL_MS,
  QUEUE_COUNTERS,
  type QueueCounterStore,
  type QueueCounterStoreOptions,
  type QueueDayCounts,
  zeroCounts,
} from './queue-counter-store.port';
import { assertValidFact } from './queue-counters.util';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** QueueCounterStore in process (embedded mode, unit tests); the same expiry as Redis, on the given clock. */
export class MemoryQueueCounterStore implements QueueCounterStore {
  /** Insertion order = expiry order: every touch re-inserts. */
  private readonly marks = new Map<string, Expiring<Set<string>>>();
  private readonly days = new Map<string, Expiring<Map<string, QueueDayCounts>>>();
  private readonly marksTtlMs: number;
  private readonly dayTtlMs: number;

  constructor(
    options: QueueCounterStoreOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.marksTtlMs = options.marksTtlMs ?? DEFAULT_COUNTER_MARKS_TTL_MS;
    this.dayTtlMs = options.dayTtlMs ?? DEFAULT_COUNTER_DAY_TTL_MS;
  }

  async record(fact: CounterFact): Promise<CounterFactOutcome> {
    assertValidFact(fact);
    const now = this.clock.now();
    this.evict(now);
    const held = this.marks.get(fact.interactionId);
    const marks = held && held.expiresAt > now ? held.value : new Set<string>();
    this.marks.delete(fact.interactionId);
    this.marks.set(fact.interactionId, { value: marks, expiresAt: now + this.marksTtlMs });
    if (marks.has(fact.mark)) return 'duplicate';
    marks.add(fact.mark);
    if (fact.unlessMarked !== undefined && marks.has(fact.unlessMarked)) return 'not-counted';
    if (fact.ifMarked !== undefined && !marks.has(fact.ifMarked)) return 'not-counted';

    // As in Redis, where an increment of 0 writes no field: nothing to add leaves the day as it was.
    if (!QUEUE_COUNTERS.some((name) => (fact.add[name] ?? 0) > 0)) return 'counted';
    const day = this.days.get(fact.day)?.value ?? new Map<string, QueueDayCounts>();
    this.days.delete(fact.day);
    this.days.set(fact.day, { value: day, expiresAt: now + this.dayTtlMs });
    const key = queueKeyOf(fact.queue);
    const entry = day.get(key) ?? { queue: { ...fact.queue }, counts: zeroCounts() };
    day.set(key, entry);
    for (const name of QUEUE_COUNTERS) entry.counts[name] += fact.add[name] ?? 0;
    return 'counted';
  }

  async countsOn(day: string): Promise<QueueDayCounts[]> {
    const held = this.days.get(day);
    if (!held || held.expiresAt <= this.clock.now()) return [];
    return [...held.value.values()]
      .map((entry) => ({ queue: { ...entry.queue }, counts: { ...entry.counts } }))
      .sort((a, b) => compareQueues(a.queue, b.queue));
  }

  private evict(now: number): void {
    for (const entries of [this.marks, this.days] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of entries) {
        if (entry.expiresAt > now) break;
        entries.delete(key);
      }
    }
  }
}
