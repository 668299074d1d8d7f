import type { ClientRequest, IncomingMessage } from 'node:http';

import { NotFoundError, PermanentError, RetryableError } from '@perch/platform';
import { ApiRequestError, ApiResponseError, type TwitterRateLimit } from 'twitter-api-v2';

import { mapXError } from './x-error-mapping.util';

const NOW = Date.UTC(2026, 0, 1, 12);
const request = {} as unknown as ClientRequest;
const response = {} as unknown as IncomingMessage;

function responseError(code: number, data: Record<string, unknown>, rateLimit?: TwitterRateLimit): ApiResponseError {
  return new ApiResponseError(`Request failed with code ${code}`, { code, data, headers: {}, request, response, rateLimit });
}

const forbidden = (detail: string) => responseError(403, { title: 'Forbidden', detail, type: 'about:blank', status: 403 });

describe('mapXError', () => {
  it.each([
    ['You are not allowed to create a Tweet with duplicate content.', 'x-duplicate-content'],
    ['Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.', 'x-text-too-long'],
    ['Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.', 'x-reply-not-allowed'],
    ['You attempted to reply to a Tweet that is deleted or not visible to you.', 'x-reply-target-missing'],
    ['Forbidden', 'x-forbidden'],
  ])('maps the 403 "%s" to a PermanentError %s carrying the detail and status', (detail, code) => {
    const mapped = mapXError(forbidden(detail), 'post tweet', NOW);
    expect(mapped).toBeInstanceOf(PermanentError);
    expect(mapped).toMatchObject({ code, details: { status: 403, detail, operation: 'post tweet' } });
  });

  it('recognises "too long" when X sends it as a 400', () => {
    const mapped = mapXError(responseError(400, { detail: 'Your Tweet text is too long.' }), 'post tweet', NOW);
    expect(mapped).toMatchObject({ code: 'x-text-too-long', details: { status: 400 } });
  });

  it('maps 401 to a permanent x-unauthorized and unsupported authentication to x-unsupported-auth', () => {
    expect(mapXError(responseError(401, { title: 'Unauthorized' }), 'me', NOW)).toMatchObject({ code: 'x-unauthorized' });
    const unsupported = responseError(403, { title: 'Unsupported Authentication', detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden', type: 'https://api.twitter.com/2/problems/unsupported-authentication' });
    expect(mapXError(unsupported, 'post tweet', NOW)).toMatchObject({ code: 'x-unsupported-auth' });
  });

  it('maps 429 to a RetryableError whose retryAfterMs comes from x-rate-limit-reset', () => {
    const reset = NOW / 1000 + 90;
    const mapped = mapXError(responseError(429, { title: 'Too Many Requests' }, { limit: 100, remaining: 0, reset }), 'post tweet', NOW);
    expect(mapped).toBeInstanceOf(RetryableError);
    expect(mapped).toMatchObject({ code: 'x-rate-limited', retryAfterMs: 90_000 });
  });

  it('waits for the daily reset when the daily app cap is what ran out', () => {
    const limits: TwitterRateLimit = {
      limit: 100,
      remaining: 50,
      reset: NOW / 1000 + 60,
      day: { limit: 10_000, remaining: 0, reset: NOW / 1000 + 3600 },
    };
    expect(mapXError(responseError(429, {}, limits), 'post tweet', NOW)).toMatchObject({ retryAfterMs: 3_600_000 });
  });

  it('maps 5xx to a retryable x-unavailable and 404 to NotFoundError', () => {
    expect(mapXError(responseError(503, {}), 'me', NOW)).toMatchObject({ code: 'x-unavailable', disposition: 'retry' });
    expect(mapXError(responseError(404, { title: 'Not Found' }), 'me', NOW)).toBeInstanceOf(NotFoundError);
  });

  it('maps network failures to a retryable x-network error with the cause', () => {
    const error = new ApiRequestError('Request failed.', { request, error: new Error('connect ECONNREFUSED') });
    expect(mapXError(error, 'me', NOW)).toMatchObject({ code: 'x-network', details: { cause: 'connect ECONNREFUSED' } });
  });

  it('returns errors that are not from X unchanged', () => {
    const bug = new TypeError('oops');
    expect(mapXError(bug, 'me', NOW)).toBe(bug);
  });
});
