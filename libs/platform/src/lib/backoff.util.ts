export interface BackoffInput {
  /** 1-based: the delay before retry n. */
  attempt: number;
  /** Ceiling of the first delay. */
  baseMs: number;
  /** No delay exceeds this, however many attempts failed. */
  maxMs: number;
  /** [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(maxMs, baseMs·2^(attempt-1))).
 * Full jitter spreads the replicas that all lost the same Redis or PostgreSQL at once, so they do not
 * reconnect in lockstep when it comes back (the AWS "Exponential Backoff and Jitter" analysis).
 */
export function backoffDelay({ attempt, baseMs, maxMs, random = Math.random }: BackoffInput): number {
  if (!Number.isFinite(attempt) || attempt < 1) throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  if (baseMs < 0 || maxMs < 0) throw new RangeError('baseMs and maxMs must be >= 0');
  // 2^31 is past any sane ceiling; capping the exponent keeps the product finite.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 31));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}
