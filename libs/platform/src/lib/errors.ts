// Typed failures. Consumers turn them into retry / dead-letter / drop decisions
// (see messaging's EventBus); only the gateway turns them into HTTP status codes.

export type FailureDisposition = 'retry' | 'dead-letter' | 'drop';

export abstract class PerchError extends Error {
  abstract readonly disposition: FailureDisposition;
  constructor(
    message: string,
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Transient: the same message may succeed later (network, broker, X 5xx or 429). */
export class RetryableError extends PerchError {
  readonly disposition = 'retry' as const;
  constructor(message: string, code = 'retryable', details?: Record<string, unknown>, readonly retryAfterMs?: number) {
    super(message, code, details);
  }
}

/**
 * Not now, and not by waiting: the work should be tried again after `retryAfterMs` (an X rate-limit window, an
 * X outage's backoff). The outbound worker keeps such a command aside until then; anywhere else it is retried.
 */
export class DeferredError extends RetryableError {
  constructor(message: string, override readonly retryAfterMs: number, code = 'deferred', details?: Record<string, unknown>) {
    super(message, code, details, retryAfterMs);
  }
}

/** The message can never succeed: keep it on the dead-letter topic with the reason. */
export class PermanentError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code = 'permanent', details?: Record<string, unknown>) {
    super(message, code, details);
  }
}

/** Input failed validation; `problems` names every bad field. */
export class ValidationFailedError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(message, 'validation-failed', { problems });
  }
}

/** Nothing to do and nothing lost (a duplicate, a stale command): acknowledge and move on. */
export class DropError extends PerchError {
  readonly disposition = 'drop' as const;
  constructor(message: string, code = 'drop', details?: Record<string, unknown>) {
    super(message, code, details);
  }
}

/** Domain refusal that an agent should see (e.g. reply too long, not your interaction). */
export class ConflictError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code = 'conflict', details?: Record<string, unknown>) {
    super(message, code, details);
  }
}

export class NotFoundError extends PerchError {
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code = 'not-found', details?: Record<string, unknown>) {
    super(message, code, details);
  }
}

export interface FieldProblem {
  field: string;
  messages: string[];
}

export function dispositionOf(error: unknown): FailureDisposition {
  if (error instanceof PerchError) return error.disposition;
  // Unknown failures are treated as transient; the retry budget bounds them before dead-lettering.
  return 'retry';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
