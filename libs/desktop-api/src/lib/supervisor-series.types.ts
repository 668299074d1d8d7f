import type { Actionability, Sentiment } from '@perch/contracts';

// What supervisors' charts read (GET /api/supervisor/series) and are pushed (`series` of `supervisor-snapshot`); the
// gateway's supervisor-series.types.ts re-exports these.

export interface SeriesBucketView {
  /** The bucket's start (ISO); it lasts the view's `bucketMs`. */
  start: string;
  /** Interactions that arrived (entered a queue). */
  created: number;
  /** Interactions an agent accepted for the first time. */
  answered: number;
  /** Interactions marked done. */
  completed: number;
  /** The arrivals by the model's sentiment at arrival. */
  sentiment: Record<Sentiment, number>;
  /** The arrivals by the model's actionability at arrival. */
  actionability: Record<Actionability, number>;
}

export interface SupervisorSeriesView {
  /** When this was read (ISO). */
  at: string;
  /** The first bucket's start and the last bucket's end (ISO); the last bucket is the current one, still filling. */
  from: string;
  to: string;
  bucketMs: number;
  /** Every bucket of the window, oldest first (REST); in a push, only the buckets that changed. */
  buckets: SeriesBucketView[];
}

/** POST /api/supervisor/agents/:agentId/sign-out (a supervisor signs another agent out everywhere). */
export interface SupervisorSignOutResponse {
  agentId: string;
  /** The offline command sent to the router (cause sign-out). */
  commandId: string;
  /** The agent's sockets the answering replica closed at once; the others close theirs within their revocation check. */
  socketsClosed: number;
}
