import { backoffDelay } from './backoff.util';

describe(backoffDelay.name, () => {
  it('doubles the ceiling per attempt, starting at baseMs', () => {
    const ceilings = [1, 2, 3, 4, 5].map((attempt) => backoffDelay({ attempt, baseMs: 100, maxMs: 10_000, random: () => 0.999_999 }));
    expect(ceilings).toEqual([99, 199, 399, 799, 1599]);
  });

  it('never exceeds maxMs, even after very many attempts', () => {
    expect(backoffDelay({ attempt: 10_000, baseMs: 100, maxMs: 5_000, random: () => 0.999_999 })).toBe(4999);
  });

  it('draws the delay uniformly below the ceiling (full jitter), down to zero', () => {
    expect(backoffDelay({ attempt: 3, baseMs: 100, maxMs: 10_000, random: () => 0 })).toBe(0);
    expect(backoffDelay({ attempt: 3, baseMs: 100, maxMs: 10_000, random: () => 0.5 })).toBe(200);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => backoffDelay({ attempt: 0, baseMs: 100, maxMs: 1_000 })).toThrow(RangeError);
  });
});
