import { type Clock, ExpiringMap, systemClock } from '@perch/platform';

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


/** QueueCounterStore in process (embedded mode, unit tests); the same expiry as Redis, on the given clock. */
export class MemoryQueueCounterStore implements QueueCounterStore {
  private readonly marks: ExpiringMap<string, Set<string>>;
  private readonly days: ExpiringMap<string, Map<string, QueueDayCounts>>;

  constructor(
    options: QueueCounterStoreOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.marks = new ExpiringMap(options.marksTtlMs ?? DEFAULT_COUNTER_MARKS_TTL_MS);
    this.days = new ExpiringMap(options.dayTtlMs ?? DEFAULT_COUNTER_DAY_TTL_MS);
  }

  async record(fact: CounterFact): Promise<CounterFactOutcome> {
    assertValidFact(fact);
    const now = this.clock.now();
    this.marks.evict(now);
    this.days.evict(now);
    const marks = this.marks.get(fact.interactionId, now) ?? new Set<string>();
    this.marks.touch(fact.interactionId, marks, now);
    if (marks.has(fact.mark)) return 'duplicate';
    marks.add(fact.mark);
    if (fact.unlessMarked !== undefined && marks.has(fact.unlessMarked)) return 'not-counted';
    if (fact.ifMarked !== undefined && !marks.has(fact.ifMarked)) return 'not-counted';

    // As in Redis, where an increment of 0 writes no field: nothing to add leaves the day as it was.
    if (!QUEUE_COUNTERS.some((name) => (fact.add[name] ?? 0) > 0)) return 'counted';
    const day = this.days.get(fact.day, now) ?? new Map<string, QueueDayCounts>();
    this.days.touch(fact.day, day, now);
    const key = queueKeyOf(fact.queue);
    const entry = day.get(key) ?? { queue: { ...fact.queue }, counts: zeroCounts() };
    day.set(key, entry);
    for (const name of QUEUE_COUNTERS) entry.counts[name] += fact.add[name] ?? 0;
    return 'counted';
  }

  async countsOn(day: string): Promise<QueueDayCounts[]> {
    const held = this.days.get(day, this.clock.now());
    if (!held) return [];
    return [...held.values()]
      .map((entry) => ({ queue: { ...entry.queue }, counts: { ...entry.counts } }))
      .sort((a, b) => compareQueues(a.queue, b.queue));
  }
}
