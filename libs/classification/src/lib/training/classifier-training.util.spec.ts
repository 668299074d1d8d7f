import { foldOf } from './classifier-training.util';

describe('foldOf', () => {
  it('puts near-duplicates (retweets, other links, other numbers) in the same fold', () => {
    const text = 'My flight 123 was cancelled and nobody told me http://t.co/abc';
    const fold = foldOf(text, 5);
    expect(foldOf(`RT @airline_fan: ${text.replace('abc', 'zzz')}`, 5)).toBe(fold);
    expect(foldOf(text.replace('123', '456'), 5)).toBe(fold);
  });

  it('spreads different texts over all folds', () => {
    const folds = new Set(Array.from({ length: 200 }, (_, i) => foldOf(`tweet number ${'x'.repeat(i % 7)} ${i.toString(36)}zz`, 5)));
    expect(folds.size).toBe(5);
  });
});
