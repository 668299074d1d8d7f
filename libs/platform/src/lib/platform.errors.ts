// Typed failures. Consumers turn them into retry / dead-letter / drop decisions
// (see messaging's EventBus); only the gateway turns them into HTTP status codes.

export type FailureDisposition = 'retry' | 'dead-letter' | 'drop';

/**
 * What sort of failure an error is, whoever meets it. Every PerchError names one, and the gateway maps
 * each to an HTTP status in a table that must cover them all: a new kind without a status does not compile.
 */
export const PERCH_ERROR_KINDS = [
  'retryable',
  'permanent',
  'validation-failed',
  'drop',
  'conflict',
  'not-found',
  'unauthenticated',
  'forbidden',
  'throttled',
] as const;
export type PerchErrorKind = (typeof PERCH_ERROR_KINDS)[number];

/** The codes the platform's errors carry when their maker names none. */
export const PlatformErrorCode = {
  Retryable: 'retryable',
  Deferred: 'deferred',
  Permanent: 'permanent',
  ValidationFailed: 'validation-failed',
  Drop: 'drop',
  Conflict: 'conflict',
  NotFound: 'not-found',
} as const;
export type PlatformErrorCode = (typeof PlatformErrorCode)[keyof typeof PlatformErrorCode];

/**
 * Base of every typed failure. `C` is the code union of the domain that makes it (XErrorCode, AuthErrorCode…).
 * The subclasses below take it explicitly (`new PermanentError<XErrorCode>(…)`: it is not inferred from the
 * argument), so a misspelled or undeclared code does not compile. Where an error is caught (unknown, then
 * `instanceof`, which would type a generic code as `any`) its code reads as a string: compare it with the
 * domain's constants (`error.code === XErrorCode.RateLimited`), never with a literal spelled again.
 */
export abstract class PerchError<C extends string = string> extends Error {
  abstract readonly kind: PerchErrorKind;
  abstract readonly disposition: FailureDisposition;
  readonly code: string;
  constructor(
    message: string,
    code: C,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Transient: the same message may succeed later (network, broker, X 5xx or 429). */
export class RetryableError<C extends string = never> extends PerchError<C | typeof PlatformErrorCode.Retryable> {
  readonly kind = 'retryable' as const;
  readonly disposition = 'retry' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>, readonly retryAfterMs?: number) {
    super(message, code ?? PlatformErrorCode.Retryable, details);
  }
}

/**
 * Not now, and not by waiting: the work should be tried again after `retryAfterMs` (an X rate-limit window, an
 * X outage's backoff). The outbound worker keeps such a command aside until then; anywhere else it is retried.
 */
export class DeferredError<C extends string = never> extends RetryableError<C | typeof PlatformErrorCode.Deferred> {
  constructor(message: string, override readonly retryAfterMs: number, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? PlatformErrorCode.Deferred, details, retryAfterMs);
  }
}

/** The message can never succeed: keep it on the dead-letter topic with the reason. */
export class PermanentError<C extends string = never> extends PerchError<C | typeof PlatformErrorCode.Permanent> {
  readonly kind = 'permanent' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? PlatformErrorCode.Permanent, details);
  }
}

/** Input failed validation; `problems` names every bad field. */
export class ValidationFailedError extends PerchError<typeof PlatformErrorCode.ValidationFailed> {
  readonly kind = 'validation-failed' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(message, PlatformErrorCode.ValidationFailed, { problems });
  }
}

/** Nothing to do and nothing lost (a duplicate, a stale command): acknowledge and move on. */
export class DropError<C extends string = never> extends PerchError<C | typeof PlatformErrorCode.Drop> {
  readonly kind = 'drop' as const;
  readonly disposition = 'drop' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? PlatformErrorCode.Drop, details);
  }
}

/** Domain refusal that an agent should see (e.g. reply too long, not your interaction). */
export class ConflictError<C extends string = never> extends PerchError<C | typeof PlatformErrorCode.Conflict> {
  readonly kind = 'conflict' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? PlatformErrorCode.Conflict, details);
  }
}

export class NotFoundError<C extends string = never> extends PerchError<C | typeof PlatformErrorCode.NotFound> {
  readonly kind = 'not-found' as const;
  readonly disposition = 'dead-letter' as const;
  constructor(message: string, code?: NoInfer<C>, details?: Record<string, unknown>) {
    super(message, code ?? PlatformErrorCode.NotFound, details);
  }
}

export interface FieldProblem {
  field: string;
  messages: string[];
}

export function dispositionOf(error: unknown): FailureDisposition {
  if (error instanceof PerchError) return error.disposition;
  if (isContractViolation(error)) return 'dead-letter';
  // Unknown failures are treated as transient; the retry budget bounds them before dead-lettering.
  return 'retry';
}

/**
 * @perch/contracts' ContractViolationError (an event that breaks its topic's contract: no retry can fix it).
 * Recognised by its name because contracts import nothing of ours, and because the ingestor and the gateway
 * catch it as itself from publish(), so it cannot be wrapped into a PermanentError there.
 */
export function isContractViolation(error: unknown): boolean {
  return error instanceof Error && error.name === 'ContractViolationError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
