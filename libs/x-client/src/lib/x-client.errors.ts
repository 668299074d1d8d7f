/**
 * Every code an error made by the X client carries. Callers branch on these (the outbound worker on
 * RateLimited, the registrar on Conflict…), never on X's wording nor on a string spelled again.
 */
export const XErrorCode = {
  /** A 429, or a spent window the budget would not wait out: retryable after `retryAfterMs`. */
  RateLimited: 'x-rate-limited',
  /** X answered 5xx. */
  Unavailable: 'x-unavailable',
  /** The request did not reach X or its answer did not come back. */
  Network: 'x-network',
  PartialResponse: 'x-partial-response',
  /** A wait for a rate-limit window was cancelled by its caller. */
  ReadCancelled: 'x-read-cancelled',
  NotFound: 'x-not-found',
  Pagination: 'x-pagination',
  InvalidRules: 'x-invalid-rules',
  WebhookInvalid: 'x-webhook-invalid',
  // X's refusals (XRefusalCode): permanent, X's own words in details.detail.
  DuplicateContent: 'x-duplicate-content',
  TextTooLong: 'x-text-too-long',
  ReplyNotAllowed: 'x-reply-not-allowed',
  ReplyTargetMissing: 'x-reply-target-missing',
  DmNotAllowed: 'x-dm-not-allowed',
  Unauthorized: 'x-unauthorized',
  UnsupportedAuth: 'x-unsupported-auth',
  Forbidden: 'x-forbidden',
  InvalidRequest: 'x-invalid-request',
  Conflict: 'x-conflict',
  Refused: 'x-refused',
} as const;
export type XErrorCode = (typeof XErrorCode)[keyof typeof XErrorCode];

/** Stable codes for X's refusals (a 4xx other than 404 and 429). */
export type XRefusalCode = (typeof XErrorCode)[
  | 'DuplicateContent'
  | 'TextTooLong'
  | 'ReplyNotAllowed'
  | 'ReplyTargetMissing'
  | 'DmNotAllowed'
  | 'Unauthorized'
  | 'UnsupportedAuth'
  | 'Forbidden'
  | 'InvalidRequest'
  | 'Conflict'
  | 'Refused'];
