import { ACTIONABILITIES, type Actionability, SENTIMENTS, type Sentiment } from '@perch/contracts';

/**
 * What supervisors' charts count per five-minute bucket, from the router's lifecycle events (routing.interaction.v1):
 * interactions created, answered (first accept) and completed (first completion), and the created ones by the
 * model's sentiment and actionability at arrival.
 */
export const SERIES_COUNTERS = [
  'created',
  'answered',
  'completed',
  ...SENTIMENTS.map((value) => `sentiment:${value}` as const),
  ...ACTIONABILITIES.map((value) => `actionability:${value}` as const),
] as const;
export type SeriesCounterName = (typeof SERIES_COUNTERS)[number];
export type SeriesCounts = Record<SeriesCounterName, number>;

/** The stored granularity: charts ask for this or a multiple of it. */
export const SERIES_BUCKET_MS = 5 * 60 * 1000;

/** One thing that happened to an interaction, counted at most once (per interaction and mark). */
export interface SeriesFact {
  interactionId: string;
  /** Set once per interaction: a redelivered or republished event finds it set and counts nothing. */
  mark: string;
  /** When it happened (ms since epoch): its bucket. */
  at: number;
  /** Non-negative integers. */
  add: Partial<SeriesCounts>;
}

export interface SeriesBucket {
  /** The bucket's start (ms since epoch, a multiple of SERIES_BUCKET_MS). */
  start: number;
  counts: SeriesCounts;
}

/**
 * Supervisors' time series (Redis shared by the gateway replicas, memory embedded). Marks and buckets are kept a
 * bounded time (`InteractionSeriesStoreOptions`), so the store does not grow with the history.
 */
export interface InteractionSeriesStore {
  /** Applies the fact atomically: the mark and the increments in one step. True when it counted (not a duplicate). */
  record(fact: SeriesFact): Promise<boolean>;
  /** The buckets with counts whose start is in [from, to), oldest first (empty buckets left out). */
  bucketsBetween(from: number, to: number): Promise<SeriesBucket[]>;
}

export interface InteractionSeriesStoreOptions {
  /** How long an interaction's marks are kept after its last fact (default 3 days). */
  marksTtlMs?: number;
  /** How long a bucket is kept after its last fact (default 50 hours: the longest window charts may ask for, 48 h). */
  bucketTtlMs?: number;
}

export const DEFAULT_SERIES_MARKS_TTL_MS = 3 * 24 * 60 * 60 * 1000;
export const DEFAULT_SERIES_BUCKET_TTL_MS = 50 * 60 * 60 * 1000;
/** The longest window the series may be read over. */
export const MAX_SERIES_HOURS = 48;

export function zeroSeriesCounts(): SeriesCounts {
  return Object.fromEntries(SERIES_COUNTERS.map((name) => [name, 0])) as SeriesCounts;
}

export function bucketStartOf(ms: number, bucketMs = SERIES_BUCKET_MS): number {
  return Math.floor(ms / bucketMs) * bucketMs;
}

export function sentimentCounter(value: Sentiment): SeriesCounterName {
  return `sentiment:${value}`;
}

export function actionabilityCounter(value: Actionability): SeriesCounterName {
  return `actionability:${value}`;
}
