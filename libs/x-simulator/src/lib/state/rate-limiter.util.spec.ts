import type { RateLimitTable } from './rate-limit.types';
import { consumeWindow, RateLimiter } from './rate-limiter.util';
import { GENEROUS_RATE_LIMITS, REALISTIC_RATE_LIMITS, UNLIMITED_RATE_LIMITS } from './rate-limits.constants';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('rate-limit window arithmetic', () => {
  const rule = { limit: 3, windowMs: 15 * 60_000 };

  it('opens the window at the first request and resets windowMs later (epoch seconds)', () => {
    const first = consumeWindow(undefined, rule, T0 + 400);
    expect(first).toMatchObject({ allowed: true, limit: 3, remaining: 2, resetEpochSeconds: Math.ceil((T0 + 400 + 900_000) / 1000) });
  });

  it('refuses once the window is spent without counting the refused request', () => {
    let state = consumeWindow(undefined, rule, T0).state;
    state = consumeWindow(state, rule, T0 + 1).state;
    state = consumeWindow(state, rule, T0 + 2).state;
    const refused = consumeWindow(state, rule, T0 + 3);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.state.used).toBe(3);
  });

  it('starts a fresh window once the reset time has passed', () => {
    let state = consumeWindow(undefined, rule, T0).state;
    for (let i = 0; i < 5; i++) state = consumeWindow(state, rule, T0 + i).state;
    const after = consumeWindow(state, rule, T0 + rule.windowMs);
    expect(after).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('RateLimiter', () => {
  it('keeps separate windows per user token and per endpoint', () => {
    let now = T0;
    const limiter = new RateLimiter(REALISTIC_RATE_LIMITS, () => now);
    const a = limiter.consume('users.me', { kind: 'user', userId: 'a' });
    const b = limiter.consume('users.me', { kind: 'user', userId: 'b' });
    const other = limiter.consume('users.lookup', { kind: 'user', userId: 'a' });
    expect(a.headers['x-rate-limit-remaining']).toBe('74');
    expect(b.headers['x-rate-limit-remaining']).toBe('74');
    expect(other.headers['x-rate-limit-limit']).toBe('900');
    now += 1;
  });

  it('uses the app limit for app-only calls and the user limit for user calls', () => {
    const limiter = new RateLimiter(REALISTIC_RATE_LIMITS, () => T0);
    expect(limiter.consume('users.lookup', { kind: 'app' }).headers['x-rate-limit-limit']).toBe('300');
    expect(limiter.consume('users.lookup', { kind: 'user', userId: 'u' }).headers['x-rate-limit-limit']).toBe('900');
  });

  it('refuses with remaining 0 and the seconds until reset once a window is spent', () => {
    const now = T0;
    const table: RateLimitTable = { ...REALISTIC_RATE_LIMITS, 'users.me': { user: { limit: 2, windowMs: 60_000 } } };
    const limiter = new RateLimiter(table, () => now);
    limiter.consume('users.me', { kind: 'user', userId: 'u' });
    limiter.consume('users.me', { kind: 'user', userId: 'u' });
    const refused = limiter.consume('users.me', { kind: 'user', userId: 'u' });
    expect(refused.allowed).toBe(false);
    expect(refused.headers['x-rate-limit-remaining']).toBe('0');
    expect(refused.retryAfterSeconds).toBe(60);
  });

  it('counts the app-wide daily cap of POST /2/tweets across users and reports it in x-app-limit-24hour-*', () => {
    const table: RateLimitTable = {
      ...REALISTIC_RATE_LIMITS,
      'tweets.create': { user: { limit: 100, windowMs: 900_000 }, appDay: { limit: 2, windowMs: 86_400_000 } },
    };
    const limiter = new RateLimiter(table, () => T0);
    expect(limiter.consume('tweets.create', { kind: 'user', userId: 'a' }).headers['x-app-limit-24hour-remaining']).toBe('1');
    expect(limiter.consume('tweets.create', { kind: 'user', userId: 'b' }).allowed).toBe(true);
    const refused = limiter.consume('tweets.create', { kind: 'user', userId: 'c' });
    expect(refused.allowed).toBe(false);
    expect(refused.headers['x-app-limit-24hour-remaining']).toBe('0');
    // The 15-minute window of user c was not used by the refused request.
    expect(refused.headers['x-rate-limit-remaining']).toBe('100');
  });

  it('still sends headers under the unlimited preset but never refuses', () => {
    const limiter = new RateLimiter(UNLIMITED_RATE_LIMITS, () => T0);
    for (let i = 0; i < 500; i++) expect(limiter.consume('tweets.create', { kind: 'user', userId: 'u' }).allowed).toBe(true);
    expect(Number(limiter.consume('tweets.create', { kind: 'user', userId: 'u' }).headers['x-rate-limit-limit'])).toBeGreaterThan(1e6);
  });
});

describe('RateLimiter per-user daily caps', () => {
  it('counts the DM daily cap per user and reports it in x-user-limit-24hour-*', () => {
    const table: RateLimitTable = {
      ...REALISTIC_RATE_LIMITS,
      'dm.send': { user: { limit: 10, windowMs: 900_000 }, userDay: { limit: 2, windowMs: 86_400_000 } },
    };
    const limiter = new RateLimiter(table, () => T0);
    const first = limiter.consume('dm.send', { kind: 'user', userId: 'a' });
    expect(first.headers).toMatchObject({ 'x-rate-limit-remaining': '9', 'x-user-limit-24hour-limit': '2', 'x-user-limit-24hour-remaining': '1' });
    expect(limiter.consume('dm.send', { kind: 'user', userId: 'a' }).allowed).toBe(true);
    const refused = limiter.consume('dm.send', { kind: 'user', userId: 'a' });
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(86_400);
    // The refused request used neither window, and other users have their own day.
    expect(refused.headers['x-rate-limit-remaining']).toBe('8');
    expect(limiter.consume('dm.send', { kind: 'user', userId: 'b' }).allowed).toBe(true);
  });

  it('uses X\'s DM limits in the realistic table: 15 sends per 15 min and 1,440 per day, 15 lookups per 15 min', () => {
    expect(REALISTIC_RATE_LIMITS['dm.send']).toEqual({ user: { limit: 15, windowMs: 900_000 }, userDay: { limit: 1_440, windowMs: 86_400_000 } });
    expect(REALISTIC_RATE_LIMITS['dm.lookup']).toEqual({ user: { limit: 15, windowMs: 900_000 } });
    expect(GENEROUS_RATE_LIMITS['dm.send'].userDay?.limit).toBe(144_000);
  });
});
