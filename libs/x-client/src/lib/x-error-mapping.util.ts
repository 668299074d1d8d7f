import { NotFoundError, PermanentError, PerchError, RetryableError } from '@perch/platform';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';

import { XErrorCode, type XRefusalCode } from './x-client.errors';

// X's detail strings (reference §2.1); matched by phrase since X sends both 400 and 403 for some.
const DETAIL_CODES: readonly [RegExp, XRefusalCode][] = [
  [/duplicate content/i, XErrorCode.DuplicateContent],
  [/text is too long/i, XErrorCode.TextTooLong],
  [/not been mentioned or otherwise engaged/i, XErrorCode.ReplyNotAllowed],
  [/deleted or not visible/i, XErrorCode.ReplyTargetMissing],
  // v2's DM refusal (the recipient does not follow the brand or blocks DMs); v1.1 used codes 150/349.
  [/cannot send messages/i, XErrorCode.DmNotAllowed],
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
      return new RetryableError<XErrorCode>(`X rate limit reached (${operation})`, XErrorCode.RateLimited, details, wait);
    }
    if (status >= 500) return new RetryableError<XErrorCode>(`X unavailable (${status}) during ${operation}`, XErrorCode.Unavailable, details);
    if (status === 404) return new NotFoundError<XErrorCode>(`X: ${detailText}`, XErrorCode.NotFound, details);
    const byDetail = DETAIL_CODES.find(([pattern]) => pattern.test(detailText))?.[1];
    const code: XRefusalCode =
      byDetail ??
      (status === 401
        ? XErrorCode.Unauthorized
        : status === 403 && (problem.type ?? '').endsWith('/unsupported-authentication')
          ? XErrorCode.UnsupportedAuth
          : status === 403
            ? XErrorCode.Forbidden
            : status === 400
              ? XErrorCode.InvalidRequest
              : status === 409
                ? XErrorCode.Conflict
                : XErrorCode.Refused);
    return new PermanentError<XErrorCode>(`X refused ${operation}: ${detailText}`, code, details);
  }
  if (error instanceof ApiRequestError) {
    const cause = requestCause(error);
    return new RetryableError<XErrorCode>(`X request failed (${operation}): ${cause}`, XErrorCode.Network, { operation, cause });
  }
  if (error instanceof ApiPartialResponseError) {
    return new RetryableError<XErrorCode>(`X response cut off (${operation})`, XErrorCode.PartialResponse, {
      operation,
      cause: (error.responseError as Error | undefined)?.message ?? error.message,
    });
  }
  return error;
}
