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
