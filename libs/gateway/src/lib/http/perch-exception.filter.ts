import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ContractViolationError } from '@perch/contracts';
import { AuthenticationFailedError, ForbiddenError, TooManySignInsError } from '@perch/interactions';
import {
  ConflictError,
  createLogger,
  newId,
  NotFoundError,
  PerchError,
  RetryableError,
  ValidationFailedError,
} from '@perch/platform';

import { type AuditedRequest, AuditRecorder } from '../audit/audit-recorder.service';
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

/**
 * The one place where typed errors become HTTP status codes. Domain code throws @perch/platform
 * errors and never mentions HTTP.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorResponseBody; retryAfterSeconds?: number } {
  const body = (status: number, code: string, message: string, extra: Partial<ErrorResponseBody> = {}): ErrorResponseBody => ({
    statusCode: status,
    error: reasonPhrase(status),
    code,
    message,
    ...extra,
  });
  if (error instanceof ReplyRefusedError) {
    return {
      status: 400,
      body: body(400, error.refusal.code, error.message, { problems: [...error.problems], details: { ...error.refusal } }),
    };
  }
  if (error instanceof ValidationFailedError) {
    return { status: 400, body: body(400, error.code, error.message, { problems: [...error.problems] }) };
  }
  if (error instanceof AuthenticationFailedError) return { status: 401, body: body(401, error.code, error.message) };
  if (error instanceof ForbiddenError) return { status: 403, body: body(403, error.code, error.message) };
  if (error instanceof TooManySignInsError) {
    return {
      status: 429,
      body: body(429, error.code, error.message, error.details ? { details: { ...error.details } } : {}),
      retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000),
    };
  }
  if (error instanceof NotFoundError) return { status: 404, body: body(404, error.code, error.message) };
  if (error instanceof ConflictError) return { status: 409, body: body(409, error.code, error.message) };
  if (error instanceof RetryableError) {
    return {
      status: 503,
      body: body(503, error.code, error.message),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) }),
    };
  }
  if (error instanceof HttpException) {
    // Nest's own (unknown route, payload too large): keep its status, in our shape.
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return { status, body: body(status, `http-${status}`, message) };
  }
  const errorId = newId();
  // Our bug or an unexpected failure (a ContractViolationError here means we built a bad event).
  logger.error({ err: error, errorId, kind: error instanceof ContractViolationError ? 'contract' : 'unexpected' }, 'request failed');
  const code = error instanceof PerchError ? error.code : 'internal';
  return { status: 500, body: body(500, code, 'Something went wrong on our side', { errorId }) };
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
