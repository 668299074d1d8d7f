// Rate-limit headers and 429s as twitter-api-v2 sees them.
import { defined } from '@perch/testing';
import { REALISTIC_RATE_LIMITS } from '@perch/x-simulator';
import { ApiResponseError } from 'twitter-api-v2';

import { startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

describe('rate limits on the wire (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;

  beforeAll(async () => {
    world = await startSimulatorWorld({
      rateLimits: { ...REALISTIC_RATE_LIMITS, 'users.me': { user: { limit: 2, windowMs: 15 * 60_000 } } },
    });
  });
  afterAll(() => world.stop());

  it('sends x-rate-limit-* headers that the client parses into rateLimit', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await world.brandClient.v2.get('users/me', undefined, { fullResponse: true });
    expect(res.rateLimit).toEqual({ limit: 2, remaining: 1, reset: expect.any(Number) });
    const { reset } = defined(res.rateLimit, 'rateLimit');
    expect(reset).toBeGreaterThanOrEqual(before + 15 * 60);
    expect(reset).toBeLessThanOrEqual(before + 15 * 60 + 2);
  });

  it('answers a spent window with 429, the problem body and remaining 0', async () => {
    await world.brandClient.v2.me();
    const error = await world.brandClient.v2.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    const apiError = error as ApiResponseError;
    expect(apiError.code).toBe(429);
    expect(apiError.rateLimitError).toBe(true);
    expect(apiError.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
    expect(defined(apiError.rateLimit, 'rateLimit').reset * 1000).toBeGreaterThan(Date.now());
    expect(apiError.data).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
  });

  it('sends the app-wide daily cap of POST /2/tweets as x-app-limit-24hour-*, parsed into rateLimit.day', async () => {
    const res = await world.brandClient.v2.post('tweets', { text: 'daily cap check' }, { fullResponse: true });
    expect(res.rateLimit).toMatchObject({ limit: 100, remaining: 99, day: { limit: 10_000, remaining: 9_999 } });
  });

  it('keeps windows per token: another user is not affected', async () => {
    const cat = world.customer('rate_cat');
    const res = await world.clientFor(cat.token).v2.get('users/me', undefined, { fullResponse: true });
    expect(res.rateLimit?.remaining).toBe(1);
  });
});
