import { percentile } from './percentile.util';

describe(percentile.name, () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the nearest rank: the smallest value with at least p% of the values at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([3, 7, 9], 50)).toBe(7);
  });

  it('clamps p to the ends and answers NaN for no values', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 150)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});
