import { type QueueRef } from '../assignments/routing-snapshot-reader.port';

/**
 * What supervisors count per queue and UTC day, from the router's lifecycle events (routing.interaction.v1):
 * - `offered`: interactions that entered the queue (`created`), once each;
 * - `answered`: interactions an agent accepted, once each (the first accept);
 * - `answeredWithinSl`: of those, the ones accepted within the service-level threshold of their creation;
 * - `answerMsTotal`: the sum of their waits from creation to accept (average speed of answer = total / answered);
 * - `abandoned`: interactions that ended (`completed`) without ever being accepted;
 * - `agentOffers`, `agentDeclines`, `agentTimeouts`: offers made to agents, and those declined or left to time out.
 */
export const QUEUE_COUNTERS = [
  'offered',
  'answered',
  'answeredWithinSl',
  'answerMsTotal',
  'abandoned',
  'agentOffers',
  'agentDeclines',
  'agentTimeouts',
] as const;
export type QueueCounterName = (typeof QUEUE_COUNTERS)[number];
export type QueueCounts = Record<QueueCounterName, number>;

/** One thing that happened to an interaction, counted at most once (per interaction and mark). */
export interface CounterFact {
  interactionId: string;
  /** Set once per interaction: a redelivered or republished event finds it set and counts nothing. */
  mark: string;
  /** Counted only while the interaction does not carry this mark (abandoned: never `answered`). */
  unlessMarked?: string;
  /** Counted only when the interaction carries this mark (abandoned: its `created` was seen, so its accept would have been). */
  ifMarked?: string;
  /** The UTC day (YYYY-MM-DD) the fact happened on. */
  day: string;
  queue: QueueRef;
  /** Non-negative integers. */
  add: Partial<QueueCounts>;
}

/** `counted`; `duplicate`: the mark was already set; `not-counted`: a condition failed (the mark is set all the same). */
export type CounterFactOutcome = 'counted' | 'duplicate' | 'not-counted';

export interface QueueDayCounts {
  queue: QueueRef;
  counts: QueueCounts;
}

/**
 * Supervisors' counters per queue and day (Redis in distributed mode, memory embedded). Marks and days are kept
 * a bounded time (`QueueCounterStoreOptions`), so the store does not grow with the history.
 */
export interface QueueCounterStore {
  /** Applies the fact atomically: the mark, its conditions and the increments in one step. */
  record(fact: CounterFact): Promise<CounterFactOutcome>;
  /** Every queue with counts on that UTC day, by channel then skill. */
  countsOn(day: string): Promise<QueueDayCounts[]>;
}

export interface QueueCounterStoreOptions {
  /** How long an interaction's marks are kept after its last fact (default 3 days). */
  marksTtlMs?: number;
  /** How long a day's counts are kept after its last fact (default 3 days: today and yesterday stay readable). */
  dayTtlMs?: number;
}

export const DEFAULT_COUNTER_MARKS_TTL_MS = 3 * 24 * 60 * 60 * 1000;
export const DEFAULT_COUNTER_DAY_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export function zeroCounts(): QueueCounts {
  return Object.fromEntries(QUEUE_COUNTERS.map((name) => [name, 0])) as QueueCounts;
}

/** The UTC day of a time, as counters are kept: YYYY-MM-DD. */
export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
