import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ContractViolationError } from '@perch/contracts';
import { TooManySignInsError } from '@perch/agents';
import {
  assertUnreachable,
  createLogger,
  newId,
  PerchError,
  type PerchErrorKind,
  RetryableError,
  ValidationFailedError,
} from '@perch/platform';

import { type AuditedRequest, AuditRecorder } from '../audit/audit-recorder.service';
import { GatewayErrorCode } from '../gateway.errors';
import { ReplyRefusedError } from '../interactions/outbound-actions.service';

export interface ErrorResponseBody {
  statusCode: number;
  error: string;
  /** Stable machine-readable code (e.g. "validation-failed", "too-long", "token-expired"). */
  code: string;
  message: string;
  /** Every bad field, for 400s. */
  problems?: { field: string; messages: string[] }[];
  /** Extra facts about a refusal, e.g. a reply's weighted length and how far it is over. */
  details?: Record<string, unknown>;
  /** Quote it when reporting a 500: the log line carries the same id. */
  errorId?: string;
}

const logger = createLogger('gateway-http');

export interface HttpError {
  status: number;
  body: ErrorResponseBody;
  retryAfterSeconds?: number;
}

/**
 * The HTTP status of every kind of PerchError. It must cover PerchErrorKind (`satisfies`), and every PerchError
 * subclass must name its kind: so a new error, or a new kind, without a status here does not compile.
 */
export const HTTP_STATUS_BY_KIND = {
  'validation-failed': HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  throttled: HttpStatus.TOO_MANY_REQUESTS,
  retryable: HttpStatus.SERVICE_UNAVAILABLE,
  // Failures only a consumer should meet (a dead letter, a dropped duplicate): in a request they are our bug.
  permanent: HttpStatus.INTERNAL_SERVER_ERROR,
  drop: HttpStatus.INTERNAL_SERVER_ERROR,
} as const satisfies Record<PerchErrorKind, HttpStatus>;

/**
 * The one place where typed errors become HTTP status codes. Domain code throws @perch/platform
 * errors and never mentions HTTP.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof PerchError) return fromPerchError(error);
  if (error instanceof HttpException) {
    // Nest's own (unknown route, payload too large): keep its status, in our shape.
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return { status, body: errorBody(status, `http-${status}`, message) };
  }
  return internalError(error, GatewayErrorCode.Internal);
}

function fromPerchError(error: PerchError): HttpError {
  const status = HTTP_STATUS_BY_KIND[error.kind];
  switch (error.kind) {
    case 'validation-failed':
      // A reply X would refuse: its own code (too-long…) and how far over it is.
      if (error instanceof ReplyRefusedError) {
        return {
          status,
          body: errorBody(status, error.refusal.code, error.message, { problems: [...error.problems], details: { ...error.refusal } }),
        };
      }
      return { status, body: errorBody(status, error.code, error.message, error instanceof ValidationFailedError ? { problems: [...error.problems] } : {}) };
    case 'unauthenticated':
    case 'forbidden':
    case 'not-found':
    case 'conflict':
      return { status, body: errorBody(status, error.code, error.message) };
    case 'throttled':
      return {
        status,
        body: errorBody(status, error.code, error.message, error.details ? { details: { ...error.details } } : {}),
        ...retryAfter(error),
      };
    case 'retryable':
      return { status, body: errorBody(status, error.code, error.message), ...retryAfter(error) };
    case 'permanent':
    case 'drop':
      return internalError(error, error.code);
    default:
      return assertUnreachable(error.kind);
  }
}

function internalError(error: unknown, code: string): HttpError {
  const errorId = newId();
  // Our bug or an unexpected failure (a ContractViolationError here means we built a bad event).
  logger.error({ err: error, errorId, kind: error instanceof ContractViolationError ? 'contract' : 'unexpected' }, 'request failed');
  return { status: 500, body: errorBody(500, code, 'Something went wrong on our side', { errorId }) };
}

function errorBody(status: number, code: string, message: string, extra: Partial<ErrorResponseBody> = {}): ErrorResponseBody {
  return { statusCode: status, error: reasonPhrase(status), code, message, ...extra };
}

function retryAfter(error: PerchError): { retryAfterSeconds?: number } {
  const ms = error instanceof RetryableError || error instanceof TooManySignInsError ? error.retryAfterMs : undefined;
  return ms === undefined ? {} : { retryAfterSeconds: Math.ceil(ms / 1000) };
}

@Catch()
@Injectable()
export class PerchExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditRecorder,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const { status, body, retryAfterSeconds } = toHttpError(exception);
    // An @Audited() route's refusal is in the audit log before the caller hears of it (a no-op on other routes).
    void this.audit.failed(host.switchToHttp().getRequest<AuditedRequest>(), status, body.code).finally(() => {
      if (retryAfterSeconds !== undefined) httpAdapter.setHeader(response, 'Retry-After', String(retryAfterSeconds));
      httpAdapter.reply(response, body, status);
    });
  }
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  if (typeof name !== 'string') return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
