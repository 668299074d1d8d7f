import { createHash } from 'node:crypto';

import { RetryableError } from '@perch/platform';
import { type TwitterRateLimit } from 'twitter-api-v2';

import { type RateLimitBudget } from './rate-limit-budget.domain';
import { type XRateLimit } from './x-api.port';
import { XErrorCode } from './x-client.errors';

export interface BudgetedCallOptions {
  budget: RateLimitBudget;
  /** The user (token digest) and endpoint family the window belongs to: see budgetKey. */
  key: string;
  now: () => number;
  /** Aborts a wait for the window (e.g. on shutdown); the read then fails as retryable. */
  signal?: AbortSignal;
  /** Attempts when X answers 429 anyway (another process spent the window). Default 3. */
  maxAttempts?: number;
}

/** Tokens are secrets: budgets are keyed by a digest, never the token itself. */
export function budgetKey(token: string, endpoint: string): string {
  return `${createHash('sha256').update(token).digest('base64url').slice(0, 16)}:${endpoint}`;
}

/** twitter-api-v2's rate limit (reset in epoch seconds) as Perch's (epoch ms); undefined when X sent no headers. */
export function toXRateLimit(rateLimit: Partial<TwitterRateLimit> | undefined): XRateLimit | undefined {
  if (!rateLimit || typeof rateLimit.limit !== 'number' || typeof rateLimit.reset !== 'number') return undefined;
  return { limit: rateLimit.limit, remaining: rateLimit.remaining ?? 0, resetAt: rateLimit.reset * 1000 };
}

function rateLimitOf(error: RetryableError<string>): XRateLimit | undefined {
  const raw = error.details?.['rateLimit'] as Partial<TwitterRateLimit> | undefined;
  return toXRateLimit(raw);
}

function abortError(key: string): RetryableError<XErrorCode> {
  return new RetryableError<XErrorCode>(`wait for the X rate-limit window of ${key} was cancelled`, XErrorCode.ReadCancelled, { key });
}

async function acquire(options: BudgetedCallOptions, startedAt: number): Promise<void> {
  const { budget, key, signal } = options;
  if (!signal) return budget.acquire(key, startedAt);
  if (signal.aborted) throw abortError(key);
  const taken = budget.acquire(key, startedAt);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(key));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([taken, aborted]);
  } catch (error) {
    // The abandoned acquire still ends some day; hand its slot back so other callers are not left waiting on it.
    void taken.then(() => budget.release(key), () => undefined);
    throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * One call to X inside its rate-limit window (a read, or a write such as a post or a DM): waits for room
 * instead of drawing a 429, records what X says about the window, and sends again after a 429 (X refused
 * before doing anything, so repeating it cannot act twice). `call` throws mapped @perch/platform errors
 * (mapXError) and returns X's rate limit with its value.
 */
export async function budgetedCall<T>(options: BudgetedCallOptions, call: () => Promise<{ value: T; rateLimit?: XRateLimit | undefined }>): Promise<T> {
  const { budget, key, now } = options;
  const startedAt = now();
  for (let attempt = 1; ; attempt += 1) {
    await acquire(options, startedAt);
    try {
      const { value, rateLimit } = await call();
      if (rateLimit) budget.record(key, rateLimit);
      return value;
    } catch (error) {
      if (!(error instanceof RetryableError) || error.code !== XErrorCode.RateLimited) throw error;
      budget.record(key, rateLimitOf(error) ?? { limit: 0, remaining: 0, resetAt: now() + (error.retryAfterMs ?? 60_000) });
      if (attempt >= (options.maxAttempts ?? 3)) throw error;
    } finally {
      // An answer without headers (or a failure) still ends the probe; record() already did otherwise.
      budget.release(key);
    }
  }
}

/** A sleep that never keeps the process alive by itself: a pending window wait must not block shutdown. */
export function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
