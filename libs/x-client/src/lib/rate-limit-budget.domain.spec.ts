import { RetryableError } from '@perch/platform';

import { RateLimitBudget } from './rate-limit-budget.domain';

describe(RateLimitBudget.name, () => {
  let now: number;
  let slept: number[];
  const budget = (maxWaitMs = 60_000): RateLimitBudget =>
    new RateLimitBudget({
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      maxWaitMs,
      marginMs: 100,
    });

  beforeEach(() => {
    now = 1_000_000;
    slept = [];
  });

  it('lets calls through while the window has room, and waits for the reset once it is spent', async () => {
    const b = budget();
    await b.acquire('k');
    b.record('k', { limit: 3, remaining: 2, resetAt: now + 5000 });
    await b.acquire('k');
    await b.acquire('k');
    expect(slept).toEqual([]);
    await b.acquire('k');
    expect(slept).toEqual([5100]);
  });

  it('keeps the lowest remaining of answers that arrive out of order', async () => {
    const b = budget();
    b.record('k', { limit: 3, remaining: 0, resetAt: now + 1000 });
    b.record('k', { limit: 3, remaining: 2, resetAt: now + 1000 });
    await b.acquire('k');
    expect(slept).toEqual([1100]);
  });

  it('fails as retryable, saying when, when the window resets later than it may wait', async () => {
    const b = budget(10_000);
    b.record('k', { limit: 100, remaining: 0, resetAt: now + 15 * 60_000 });
    await expect(b.acquire('k')).rejects.toBeInstanceOf(RetryableError);
    await b.acquire('k').catch((error: RetryableError) => expect(error.retryAfterMs).toBe(15 * 60_000 + 100));
  });

  it('sends one request first when the window is unknown, so a burst cannot overrun it', async () => {
    const b = budget();
    const order: string[] = [];
    await b.acquire('k');
    const second = b.acquire('k').then(() => order.push('second'));
    await Promise.resolve();
    order.push('first answered');
    b.record('k', { limit: 5, remaining: 4, resetAt: now + 1000 });
    await second;
    expect(order).toEqual(['first answered', 'second']);
  });

  it('keeps windows of different keys apart', async () => {
    const b = budget();
    b.record('a', { limit: 1, remaining: 0, resetAt: now + 1000 });
    await b.acquire('b');
    expect(slept).toEqual([]);
  });
});
