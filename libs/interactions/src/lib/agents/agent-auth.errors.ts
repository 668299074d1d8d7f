import { PerchError } from '@perch/platform';

// Authentication failures are not in @perch/platform because only the gateway meets them; the
// gateway's exception filter maps them to 401 and 403.

/** The caller is not who they claim (bad password, missing, expired or forged token): HTTP 401. */
export class AuthenticationFailedError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(message = 'Authentication required', code = 'unauthenticated') {
    super(message, code);
  }
}

/** The caller is known but may not do this (e.g. another agent's interaction): HTTP 403. */
export class ForbiddenError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code = 'forbidden', details?: Record<string, unknown>) {
    super(message, code, details);
  }
}

/**
 * Too many failed sign-ins for this username or from this address: HTTP 429 with Retry-After. The
 * password is not even checked while it lasts, so guessing gains nothing.
 */
export class TooManySignInsError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, now: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const retryAt = new Date(now + retryAfterSeconds * 1000).toISOString();
    super(`Too many failed sign-ins; try again in ${describeWait(retryAfterSeconds)} (after ${retryAt})`, 'too-many-sign-ins', {
      retryAfterSeconds,
      retryAt,
    });
    this.retryAfterMs = retryAfterSeconds * 1000;
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
