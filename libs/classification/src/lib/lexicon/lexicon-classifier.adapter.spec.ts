import { LexiconClassifier } from './lexicon-classifier.adapter';

describe(LexiconClassifier.name, () => {
  const classifier = new LexiconClassifier();

  it('labels a complaint about a late order negative and actionable, and says why', () => {
    const result = classifier.classify('@acme_support my order is late AGAIN and nobody answers. Unacceptable.');
    expect(result.sentiment).toBe('negative');
    expect(result.actionability).toBe('actionable');
    expect(result.actionabilityFeatures).toContain('order problem');
    expect(result.sentimentFeatures.some((f) => f.startsWith('unacceptable'))).toBe(true);
  });

  it('labels a plain question actionable', () => {
    const result = classifier.classify('@acme_support how do I change the delivery address on my order?');
    expect(result.actionability).toBe('actionable');
  });

  it('labels praise positive and not actionable', () => {
    const result = classifier.classify('@acme_support you folks are amazing, thanks for the quick help!');
    expect(result.sentiment).toBe('positive');
    expect(result.actionability).toBe('not-actionable');
  });

  it('declares nothing for a language it does not support', () => {
    const result = classifier.classify('@acme_support 注文がまだ届いていません');
    expect(result).toMatchObject({ sentiment: 'undeclared', actionability: 'undeclared' });
  });

  it('keeps scores within 0..1', () => {
    for (const text of ['', '@acme_support', 'terrible terrible terrible awful worst', 'hello']) {
      const result = classifier.classify(text);
      expect(result.sentimentScore).toBeGreaterThanOrEqual(0);
      expect(result.sentimentScore).toBeLessThanOrEqual(1);
      expect(result.actionabilityScore).toBeGreaterThanOrEqual(0);
      expect(result.actionabilityScore).toBeLessThanOrEqual(1);
    }
  });
});
