import { ACTIONABILITIES, type Actionability, SENTIMENTS, type Sentiment } from '@perch/contracts';

import { bucketStartOf, SERIES_BUCKET_MS, SERIES_COUNTERS, type SeriesBucket, type SeriesCounts, zeroSeriesCounts } from './interaction-series-store.port';
import { type SeriesBucketView, type SupervisorSeriesView } from './supervisor-series.types';

/** The bucket sizes charts may ask for: multiples of the stored five minutes that divide an hour. */
export const SERIES_BUCKET_MINUTES = [5, 15, 30, 60] as const;
export type SeriesBucketMinutes = (typeof SERIES_BUCKET_MINUTES)[number];

export interface SeriesWindow {
  /** Bucket starts in [from, to). */
  from: number;
  to: number;
  bucketMs: number;
}

/** The window of `hours` ending with the bucket that holds `at` (the current one, still filling). */
export function seriesWindow(at: number, hours: number, bucketMinutes: SeriesBucketMinutes): SeriesWindow {
  const bucketMs = bucketMinutes * 60 * 1000;
  const to = bucketStartOf(at, bucketMs) + bucketMs;
  return { from: to - hours * 60 * 60 * 1000, to, bucketMs };
}

/** Every bucket of the window, oldest first, the stored five-minute buckets summed into the window's size. */
export function seriesView(stored: readonly SeriesBucket[], window: SeriesWindow, at: number): SupervisorSeriesView {
  const sums = new Map<number, SeriesCounts>();
  for (let start = window.from; start < window.to; start += window.bucketMs) sums.set(start, zeroSeriesCounts());
  for (const bucket of stored) {
    const sum = sums.get(bucketStartOf(bucket.start, window.bucketMs));
    if (!sum) continue;
    for (const name of SERIES_COUNTERS) sum[name] += bucket.counts[name];
  }
  return {
    at: new Date(at).toISOString(),
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    bucketMs: window.bucketMs,
    buckets: [...sums.entries()].map(([start, counts]) => seriesBucketView(start, counts)),
  };
}

/** A push's series: only the stored buckets given (those that changed), at the stored size. */
export function seriesChangesView(changed: readonly SeriesBucket[], at: number): SupervisorSeriesView {
  const starts = changed.map((bucket) => bucket.start);
  const from = starts.length === 0 ? bucketStartOf(at) : Math.min(...starts);
  const to = starts.length === 0 ? bucketStartOf(at) : Math.max(...starts) + SERIES_BUCKET_MS;
  return {
    at: new Date(at).toISOString(),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucketMs: SERIES_BUCKET_MS,
    buckets: changed.map((bucket) => seriesBucketView(bucket.start, bucket.counts)),
  };
}

export function seriesBucketView(start: number, counts: SeriesCounts): SeriesBucketView {
  return {
    start: new Date(start).toISOString(),
    created: counts.created,
    answered: counts.answered,
    completed: counts.completed,
    sentiment: Object.fromEntries(SENTIMENTS.map((value) => [value, counts[`sentiment:${value}`]])) as Record<Sentiment, number>,
    actionability: Object.fromEntries(ACTIONABILITIES.map((value) => [value, counts[`actionability:${value}`]])) as Record<Actionability, number>,
  };
}

export function seriesBucketFingerprint(bucket: SeriesBucket): string {
  return SERIES_COUNTERS.map((name) => bucket.counts[name]).join(',');
}
