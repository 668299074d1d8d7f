import { setMaxListeners } from 'node:events';

import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, timeout, TimeoutStrategy, wrap } from 'cockatiel';
import { createLogger, errorMessage, type Logger } from '@perch/platform';

export interface PushStoreGuardOptions {
  /** How long a push waits for its store call before going on without it. Default 1000. */
  deadlineMs?: number;
  /** After a failed or late call, how long pushes skip the store before one call tries it again. Default 1000. */
  retryAfterMs?: number;
  logger?: Logger;
}

/** Counts since start, for the metrics and the tests. */
export interface PushStoreGuardCounts {
  /** Store calls that answered within the deadline. */
  done: number;
  /** Store calls that failed or were late: their push went on without them. */
  givenUp: number;
  /** Store calls skipped because the store was failing: the push did not wait at all. */
  skipped: number;
}

/**
 * The store calls a push makes before it is sent (an entry written so a reload shows what the socket said, a view read
 * when this replica did not see the offer), bounded: a push never waits long on PostgreSQL. Every push shares one
 * consumer with the offers, so a store that fails or hangs would otherwise hold up every offer behind it; and each of
 * these writes is also made by the projector, which retries until the store is back. After a failure or a call past
 * the deadline, pushes skip the store (cockatiel's circuit breaker) until one call, made in the background, succeeds.
 */
export class PushStoreGuard {
  readonly counts: PushStoreGuardCounts = { done: 0, givenUp: 0, skipped: 0 };
  private readonly breaker;
  private readonly policy;
  private readonly logger: Logger;
  /**
   * Never aborted; passed to every call because cockatiel's own default signal is shared by the whole process, and each
   * call in flight adds a listener to it: past ten, Node warns of a leak that is not one.
   */
  private readonly signal = new AbortController().signal;

  constructor(options: PushStoreGuardOptions = {}) {
    setMaxListeners(0, this.signal);
    this.logger = options.logger ?? createLogger('gateway-push-store');
    // One failure opens it: the first late call has already cost a push its deadline.
    this.breaker = circuitBreaker(handleAll, { halfOpenAfter: options.retryAfterMs ?? 1_000, breaker: new ConsecutiveBreaker(1) });
    // Aggressive: the push stops waiting at the deadline (which opens the circuit); the call itself goes on unobserved.
    this.policy = wrap(this.breaker, timeout(options.deadlineMs ?? 1_000, TimeoutStrategy.Aggressive));
    this.breaker.onBreak((reason) => {
      const cause = 'error' in reason ? errorMessage(reason.error) : 'unexpected result';
      this.logger.warn({ cause }, 'store calls before pushes fail or are late: pushes go on without them until the store answers');
    });
    this.breaker.onReset(() => this.logger.info('the store answers again: pushes wait for their store calls again'));
  }

  /**
   * `call`'s answer if the store gave it within the deadline; undefined if it failed, was late or the store is failing
   * (then, once the retry delay has passed, the call is made in the background to see whether the store is back).
   */
  async attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
    const state = this.breaker.state;
    if (state === CircuitState.Open) {
      this.counts.skipped += 1;
      // Fails at once while the circuit is open; after the retry delay, becomes the one call that tries the store.
      this.policy.execute(call, this.signal).catch(() => undefined);
      return undefined;
    }
    if (state !== CircuitState.Closed) {
      // Half-open: one call is finding out; cockatiel would make this one wait for it.
      this.counts.skipped += 1;
      return undefined;
    }
    try {
      const value = await this.policy.execute(call, this.signal);
      this.counts.done += 1;
      return value;
    } catch {
      this.counts.givenUp += 1;
      return undefined;
    }
  }
}
