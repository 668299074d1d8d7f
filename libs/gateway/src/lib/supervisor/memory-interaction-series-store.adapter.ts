import { type Clock, ExpiringMap, systemClock } from '@perch/platform';

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


/** InteractionSeriesStore in process (embedded mode, unit tests); the same expiry as Redis, on the given clock. */
export class MemoryInteractionSeriesStore implements InteractionSeriesStore {
  private readonly marks: ExpiringMap<string, Set<string>>;
  private readonly buckets: ExpiringMap<number, SeriesBucket>;

  constructor(
    options: InteractionSeriesStoreOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.marks = new ExpiringMap(options.marksTtlMs ?? DEFAULT_SERIES_MARKS_TTL_MS);
    this.buckets = new ExpiringMap(options.bucketTtlMs ?? DEFAULT_SERIES_BUCKET_TTL_MS);
  }

  async record(fact: SeriesFact): Promise<boolean> {
    assertValidSeriesFact(fact);
    const now = this.clock.now();
    this.marks.evict(now);
    this.buckets.evict(now);
    const marks = this.marks.get(fact.interactionId, now) ?? new Set<string>();
    this.marks.touch(fact.interactionId, marks, now);
    if (marks.has(fact.mark)) return false;
    marks.add(fact.mark);
    if (!SERIES_COUNTERS.some((name) => (fact.add[name] ?? 0) > 0)) return true;
    const start = bucketStartOf(fact.at);
    const bucket = this.buckets.get(start, now) ?? { start, counts: zeroSeriesCounts() };
    this.buckets.touch(start, bucket, now);
    for (const name of SERIES_COUNTERS) bucket.counts[name] += fact.add[name] ?? 0;
    return true;
  }

  async bucketsBetween(from: number, to: number): Promise<SeriesBucket[]> {
    return this.buckets
      .values(this.clock.now())
      .filter((bucket) => bucket.start >= from && bucket.start < to)
      .map((bucket) => ({ start: bucket.start, counts: { ...bucket.counts } }))
      .sort((a, b) => a.start - b.start);
  }
}
