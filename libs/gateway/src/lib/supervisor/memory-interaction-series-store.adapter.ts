import { type Clock, systemClock } from '@perch/platform';

import {
  bucketStartOf,
  DEFAULT_SERIES_BUCKET_TTL_MS,
  DEFAULT_SERIES_MARKS_TTL_MS,
  type InteractionSeriesStore,
  type InteractionSeriesStoreOptions,
  SERIES_COUNTERS,
  type SeriesBucket,
  type SeriesFact,
  zeroSeriesCounts,
} from './interaction-series-store.port';
import { assertValidSeriesFact } from './interaction-series.util';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** InteractionSeriesStore in process (embedded mode, unit tests); the same expiry as Redis, on the given clock. */
export class MemoryInteractionSeriesStore implements InteractionSeriesStore {
  /** Insertion order = expiry order: every touch re-inserts. */
  private readonly marks = new Map<string, Expiring<Set<string>>>();
  private readonly buckets = new Map<number, Expiring<SeriesBucket>>();
  private readonly marksTtlMs: number;
  private readonly bucketTtlMs: number;

  constructor(
    options: InteractionSeriesStoreOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.marksTtlMs = options.marksTtlMs ?? DEFAULT_SERIES_MARKS_TTL_MS;
    this.bucketTtlMs = options.bucketTtlMs ?? DEFAULT_SERIES_BUCKET_TTL_MS;
  }

  async record(fact: SeriesFact): Promise<boolean> {
    assertValidSeriesFact(fact);
    const now = this.clock.now();
    this.evict(now);
    const held = this.marks.get(fact.interactionId);
    const marks = held && held.expiresAt > now ? held.value : new Set<string>();
    this.marks.delete(fact.interactionId);
    this.marks.set(fact.interactionId, { value: marks, expiresAt: now + this.marksTtlMs });
    if (marks.has(fact.mark)) return false;
    marks.add(fact.mark);
    if (!SERIES_COUNTERS.some((name) => (fact.add[name] ?? 0) > 0)) return true;
    const start = bucketStartOf(fact.at);
    const bucket = this.buckets.get(start)?.value ?? { start, counts: zeroSeriesCounts() };
    this.buckets.delete(start);
    this.buckets.set(start, { value: bucket, expiresAt: now + this.bucketTtlMs });
    for (const name of SERIES_COUNTERS) bucket.counts[name] += fact.add[name] ?? 0;
    return true;
  }

  async bucketsBetween(from: number, to: number): Promise<SeriesBucket[]> {
    const now = this.clock.now();
    return [...this.buckets.values()]
      .filter((held) => held.expiresAt > now && held.value.start >= from && held.value.start < to)
      .map((held) => ({ start: held.value.start, counts: { ...held.value.counts } }))
      .sort((a, b) => a.start - b.start);
  }

  private evict(now: number): void {
    for (const entries of [this.marks, this.buckets] as Map<unknown, Expiring<unknown>>[]) {
      for (const [key, entry] of entries) {
        if (entry.expiresAt > now) break;
        entries.delete(key);
      }
    }
  }
}
