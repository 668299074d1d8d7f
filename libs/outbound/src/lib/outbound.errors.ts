/**
 * Codes of the failures and refusals of acting on X for an agent, besides X's own (@perch/x-client's
 * XErrorCode, which the worker also reports: x-rate-limited, x-unavailable, x-refused…).
 */
export const OutboundErrorCode = {
  /** Another worker holds the command's claim: deferred until its lease lapses, and not shown to the agent. */
  Busy: 'outbound-busy',
  /** No token is configured for the brand account the command names. */
  UnknownBrandAccount: 'unknown-brand-account',
  NothingToReplyTo: 'nothing-to-reply-to',
  /** The customer does not accept DMs from the brand (they do not follow it). */
  DmNotAllowed: 'dm-not-allowed',
  /** The agent may not post as this brand. */
  BrandNotAllowed: 'brand-not-allowed',
} as const;
export type OutboundErrorCode = (typeof OutboundErrorCode)[keyof typeof OutboundErrorCode];
