import { RetryableError } from '@perch/platform';

import { type XRateLimit } from './x-api.port';
import { XErrorCode } from './x-client.errors';

export interface RateLimitBudgetOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Longest a call waits for its window; past that it fails as retryable with the wait. Default 15 min. */
  maxWaitMs?: number;
  /** Margin after X's reset second, since the header has one-second resolution. Default 250 ms. */
  marginMs?: number;
}

interface Window {
  remaining: number;
  resetAt: number;
}

/**
 * X's rate-limit windows as it reports them (x-rate-limit-* headers), per token and endpoint. A call whose
 * window is spent waits for the reset instead of being sent to fail with a 429; calls made at once share the
 * remaining budget, so a burst never overruns it.
 */
export class RateLimitBudget {
  private readonly windows = new Map<string, Window>();
  /** Keys whose window is unknown and whose first request is out: the others wait to learn the window. */
  private readonly probes = new Map<string, Promise<void>>();
  private readonly endProbe = new Map<string, () => void>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;
  private readonly marginMs: number;

  constructor(options: RateLimitBudgetOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
    this.marginMs = options.marginMs ?? 250;
  }

  /**
   * Waits until the window of `key` has room, then takes one request from it. `startedAt` bounds the total
   * wait of one operation that acquires several times (a retry after a 429) by maxWaitMs.
   */
  async acquire(key: string, startedAt: number = this.now()): Promise<void> {
    for (;;) {
      const window = this.windows.get(key);
      const now = this.now();
      if (!window || window.resetAt <= now) {
        if (window) this.windows.delete(key);
        const probe = this.probes.get(key);
        if (probe) {
          await probe;
          continue;
        }
        this.probes.set(key, new Promise<void>((resolve) => this.endProbe.set(key, resolve)));
        return;
      }
      if (window.remaining > 0) {
        window.remaining -= 1;
        return;
      }
      const wait = window.resetAt - now + this.marginMs;
      if (now + wait - startedAt > this.maxWaitMs) {
        throw new RetryableError<XErrorCode>(`X rate limit for ${key} resets in ${Math.ceil(wait / 1000)} s`, XErrorCode.RateLimited, { key }, wait);
      }
      await this.sleep(wait);
    }
  }

  /** Ends a request taken with acquire() whose answer carried no rate-limit information (or failed). */
  release(key: string): void {
    this.endProbe.get(key)?.();
    this.endProbe.delete(key);
    this.probes.delete(key);
  }

  /** Records what X said about the window (from a success or a 429). */
  record(key: string, rateLimit: XRateLimit): void {
    this.release(key);
    const current = this.windows.get(key);
    // Answers arrive out of order; within one window the lowest remaining is the truth.
    if (current && current.resetAt === rateLimit.resetAt) current.remaining = Math.min(current.remaining, rateLimit.remaining);
    else this.windows.set(key, { remaining: rateLimit.remaining, resetAt: rateLimit.resetAt });
  }
}
