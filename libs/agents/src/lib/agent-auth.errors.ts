import { PerchError } from '@perch/platform';

// Authentication failures are not in @perch/platform because only the gateway meets them; their kinds
// (unauthenticated, forbidden, throttled) are, and the gateway's exception filter maps those to 401, 403, 429.

/** Every code a sign-in or token check fails with; the gateway's guards and socket use them too. */
export const AuthErrorCode = {
  Unauthenticated: 'unauthenticated',
  /** A REST call without `Authorization: Bearer <token>`. */
  MissingToken: 'missing-token',
  /** A WebSocket whose first message is not `{"type":"auth","token":…}`. */
  AuthRequired: 'auth-required',
  BadCredentials: 'bad-credentials',
  BadToken: 'bad-token',
  TokenExpired: 'token-expired',
  TokenRevoked: 'token-revoked',
  TooManySignIns: 'too-many-sign-ins',
  /** The throttle or revocation store did not answer: retryable. */
  AuthUnavailable: 'auth-unavailable',
  Forbidden: 'forbidden',
  /** A user with this id (compared case-insensitively) exists already. */
  UserExists: 'user-exists',
  UnknownUser: 'unknown-user',
  /** An admin may not disable or demote their own account (nobody could undo it). */
  OwnAccount: 'own-account',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** The caller is not who they claim (bad password, missing, expired or forged token): HTTP 401. */
export class AuthenticationFailedError extends PerchError<AuthErrorCode> {
  declare readonly code: AuthErrorCode;
  readonly kind = 'unauthenticated' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(message = 'Authentication required', code: AuthErrorCode = AuthErrorCode.Unauthenticated) {
    super(message, code);
  }
}

/**
 * The caller is known but may not do this (e.g. another agent's interaction): HTTP 403. `C` is the code
 * union of the domain that refuses (`new ForbiddenError<GatewayErrorCode>(…)`), as for @perch/platform's errors.
 */
export class ForbiddenError<C extends string = never> extends PerchError<C | typeof AuthErrorCode.Forbidden> {
  readonly kind = 'forbidden' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? AuthErrorCode.Forbidden, details);
  }
}

/**
 * Too many failed sign-ins for this username or from this address: HTTP 429 with Retry-After. The
 * password is not even checked while it lasts, so guessing gains nothing.
 */
export class TooManySignInsError extends PerchError<typeof AuthErrorCode.TooManySignIns> {
  readonly kind = 'throttled' as const;
  readonly disposition = 'dead-letter' as const;
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, now: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const retryAt = new Date(now + retryAfterSeconds * 1000).toISOString();
    super(`Too many failed sign-ins; try again in ${describeWait(retryAfterSeconds)} (after ${retryAt})`, AuthErrorCode.TooManySignIns, {
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
