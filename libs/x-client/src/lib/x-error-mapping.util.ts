import { NotFoundError, PermanentError, PerchError, RetryableError } from '@perch/platform';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';

/** Stable codes for X's refusals; callers branch on these, never on X's wording. */
export type XRefusalCode =
  | 'x-duplicate-content'
  | 'x-text-too-long'
  | 'x-reply-not-allowed'
  | 'x-reply-target-missing'
  | 'x-dm-not-allowed'
  | 'x-unauthorized'
  | 'x-unsupported-auth'
  | 'x-forbidden'
  | 'x-invalid-request'
  | 'x-conflict'
  | 'x-refused';

// X's detail strings (reference §2.1); matched by phrase since X sends both 400 and 403 for some.
const DETAIL_CODES: readonly [RegExp, XRefusalCode][] = [
  [/duplicate content/i, 'x-duplicate-content'],
  [/text is too long/i, 'x-text-too-long'],
  [/not been mentioned or otherwise engaged/i, 'x-reply-not-allowed'],
  [/deleted or not visible/i, 'x-reply-target-missing'],
  // v2's DM refusal (the recipient does not follow the brand or blocks DMs); v1.1 used codes 150/349.
  [/cannot send messages/i, 'x-dm-not-allowed'],
];

interface ProblemFields {
  title?: string;
  detail?: string;
  type?: string;
  errors?: unknown;
}

function problemOf(error: ApiResponseError): ProblemFields {
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null) return {};
  const record = data as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  return { title: text('title'), detail: text('detail'), type: text('type'), errors: record['errors'] };
}

function retryAfterMs(error: ApiResponseError, now: number): number | undefined {
  const limits = error.rateLimit;
  if (!limits) return undefined;
  // The daily app cap, when spent, outlasts the 15-minute window.
  const reset = limits.day && limits.day.remaining === 0 ? limits.day.reset : limits.reset;
  return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : undefined;
}

/**
 * twitter-api-v2 1.29.1 builds ApiRequestError with `{ error }` but its `requestError` getter reads
 * `_options.requestError`, which is always undefined; fall back to the stored option.
 */
function requestCause(error: ApiRequestError): string {
  const direct = error.requestError as Error | undefined;
  if (direct) return direct.message;
  const stored: unknown = Reflect.get(error, '_options');
  const inner: unknown = typeof stored === 'object' && stored !== null ? Reflect.get(stored, 'error') : undefined;
  return inner instanceof Error ? inner.message : error.message;
}

/**
 * Turns whatever twitter-api-v2 threw into a Perch error. `operation` names the call for messages
 * and logs ("post tweet", "lookup user"). Errors that are not X's (bugs) are returned unchanged.
 */
export function mapXError(error: unknown, operation: string, now: number = Date.now()): unknown {
  if (error instanceof PerchError) return error;
  if (error instanceof ApiResponseError) {
    const status = error.code;
    const problem = problemOf(error);
    const details: Record<string, unknown> = { status, operation, ...problem };
    const detailText = problem.detail ?? problem.title ?? error.message;
    if (status === 429) {
      const wait = retryAfterMs(error, now);
      if (error.rateLimit) details['rateLimit'] = error.rateLimit;
      return new RetryableError(`X rate limit reached (${operation})`, 'x-rate-limited', details, wait);
    }
    if (status >= 500) return new RetryableError(`X unavailable (${status}) during ${operation}`, 'x-unavailable', details);
    if (status === 404) return new NotFoundError(`X: ${detailText}`, 'x-not-found', details);
    const byDetail = DETAIL_CODES.find(([pattern]) => pattern.test(detailText))?.[1];
    const code: XRefusalCode =
      byDetail ??
      (status === 401
        ? 'x-unauthorized'
        : status === 403 && (problem.type ?? '').endsWith('/unsupported-authentication')
          ? 'x-unsupported-auth'
          : status === 403
            ? 'x-forbidden'
            : status === 400
              ? 'x-invalid-request'
              : status === 409
                ? 'x-conflict'
                : 'x-refused');
    return new PermanentError(`X refused ${operation}: ${detailText}`, code, details);
  }
  if (error instanceof ApiRequestError) {
    const cause = requestCause(error);
    return new RetryableError(`X request failed (${operation}): ${cause}`, 'x-network', { operation, cause });
  }
  if (error instanceof ApiPartialResponseError) {
    return new RetryableError(`X response cut off (${operation})`, 'x-partial-response', {
      operation,
      cause: (error.responseError as Error | undefined)?.message ?? error.message,
    });
  }
  return error;
}
