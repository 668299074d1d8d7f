import { NotFoundException } from '@nestjs/common';
import { ContractViolationError, Topics } from '@perch/contracts';
import { AuthenticationFailedError, AuthErrorCode, ForbiddenError, TooManySignInsError } from '@perch/agents';
import { InteractionErrorCode } from '@perch/interactions';
import {
  ConflictError,
  DeferredError,
  DropError,
  NotFoundError,
  PERCH_ERROR_KINDS,
  PerchError,
  type PerchErrorKind,
  PermanentError,
  RetryableError,
  ValidationFailedError,
} from '@perch/platform';
import { RedisNotPersistentError } from '@perch/service-kit';
import { XErrorCode } from '@perch/x-client';

import { ReplyRefusedError } from '../interactions/outbound-actions.service';
import { HTTP_STATUS_BY_KIND, toHttpError } from './perch-exception.filter';

describe(toHttpError.name, () => {
  it('gives every kind of PerchError an HTTP status', () => {
    for (const kind of PERCH_ERROR_KINDS) {
      expect([kind, HTTP_STATUS_BY_KIND[kind]]).toEqual([kind, expect.any(Number)]);
      expect(HTTP_STATUS_BY_KIND[kind]).toBeGreaterThanOrEqual(400);
    }
    expect(Object.keys(HTTP_STATUS_BY_KIND).sort()).toEqual([...PERCH_ERROR_KINDS].sort());
  });

  it('answers each error with the status of its kind', () => {
    const errors: PerchError[] = [
      new ValidationFailedError('bad', [{ field: 'text', messages: ['empty'] }]),
      new AuthenticationFailedError('Token expired; sign in again', AuthErrorCode.TokenExpired),
      new ForbiddenError<InteractionErrorCode>('Not yours', InteractionErrorCode.NotYours),
      new NotFoundError<InteractionErrorCode>('Interaction i-1 not found', InteractionErrorCode.NotFound),
      new ConflictError<InteractionErrorCode>('This interaction is completed', InteractionErrorCode.Completed),
      new TooManySignInsError(90_000, 0),
      new RetryableError('later'),
      new PermanentError('never'),
      new DropError('stale'),
    ];
    expect(errors.map((error) => [error.kind, toHttpError(error).status])).toEqual(
      errors.map((error) => [error.kind, HTTP_STATUS_BY_KIND[error.kind]]),
    );
    expect(new Set(errors.map((error) => error.kind))).toEqual(new Set(PERCH_ERROR_KINDS));
  });

  it('names every bad field of a 400', () => {
    const problems = [{ field: 'text', messages: ['must not be empty'] }];
    expect(toHttpError(new ValidationFailedError('The request is invalid: text', problems))).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', code: 'validation-failed', message: 'The request is invalid: text', problems },
    });
  });

  it("answers a reply X would refuse with the refusal's own code and how far over it is", () => {
    const refusal = { code: 'too-long' as const, message: 'Too long by 5', weightedLength: 285, maxWeightedLength: 280, overBy: 5 };
    expect(toHttpError(new ReplyRefusedError(refusal))).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        code: 'too-long',
        message: 'Too long by 5',
        problems: [{ field: 'text', messages: ['Too long by 5'] }],
        details: refusal,
      },
    });
  });

  it('says when to try again after too many sign-ins, or while something is unavailable', () => {
    const throttled = toHttpError(new TooManySignInsError(90_000, 0));
    expect(throttled).toMatchObject({ status: 429, retryAfterSeconds: 90, body: { code: 'too-many-sign-ins', details: { retryAfterSeconds: 90 } } });
    expect(toHttpError(new RetryableError<AuthErrorCode>('Sign-in state unavailable', AuthErrorCode.AuthUnavailable, undefined, 1_000))).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', code: 'auth-unavailable', message: 'Sign-in state unavailable' },
      retryAfterSeconds: 1,
    });
    expect(toHttpError(new DeferredError<XErrorCode>('wait', 14_500, XErrorCode.RateLimited))).toMatchObject({ status: 503, retryAfterSeconds: 15 });
    expect(toHttpError(new RetryableError('later'))).not.toHaveProperty('retryAfterSeconds');
  });

  it('answers our own failures with a 500 and an id to quote, keeping a typed error its code', () => {
    expect(toHttpError(new RedisNotPersistentError('redis://127.0.0.1:6379'))).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', code: 'redis-not-persistent', message: 'Something went wrong on our side', errorId: expect.any(String) },
    });
    expect(toHttpError(new DropError('stale')).body).toMatchObject({ code: 'drop', errorId: expect.any(String) });
    expect(toHttpError(new ContractViolationError(Topics.OutboundRequested, 'bad payload')).body).toMatchObject({ statusCode: 500, code: 'internal' });
    expect(toHttpError(new TypeError('oops')).body).toMatchObject({ statusCode: 500, code: 'internal' });
  });

  it("keeps the status of Nest's own exceptions, in our shape", () => {
    expect(toHttpError(new NotFoundException('Cannot GET /nowhere'))).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'http-404', message: 'Cannot GET /nowhere' },
    });
  });

  it('does not compile an error whose kind has no status', () => {
    // @ts-expect-error: every PerchError names its kind, which is how the gateway finds its status.
    class WithoutKind extends PerchError<'unmapped'> {
      readonly disposition = 'dead-letter' as const;
    }
    class UnknownKind extends PerchError<'teapot'> {
      // @ts-expect-error: a kind outside PerchErrorKind has no status.
      readonly kind = 'teapot' as const;
      readonly disposition = 'dead-letter' as const;
    }
    // Compiles only while HTTP_STATUS_BY_KIND has a status for every PerchErrorKind.
    const unmapped: [Exclude<PerchErrorKind, keyof typeof HTTP_STATUS_BY_KIND>] extends [never] ? 'none' : 'some' = 'none';
    expect([WithoutKind.name, UnknownKind.name, unmapped]).toEqual(['WithoutKind', 'UnknownKind', 'none']);
  });
});
