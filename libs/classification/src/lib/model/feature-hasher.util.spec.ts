import { DEFAULT_FEATURE_SETTINGS, DENSE_FEATURES, FeatureExtractor, fnv1a, hashWordFeature, mix32 } from './feature-hasher.util';

describe('feature hashing', () => {
  it('is stable: the committed weights depend on these exact values', () => {
    // If one of these changes, every trained model silently reads the wrong buckets: retrain and bump the version.
    // The reference FNV-1a 32-bit of the bytes "late" (ASCII, so the same as over UTF-16 code units).
    expect(fnv1a('late', 0x811c9dc5)).toBe(2195410209);
    expect(mix32(2195410209)).toBe(3639720210);
    expect(hashWordFeature(['late'])).toBe(3639720210);
    expect(hashWordFeature(['not', 'good'])).toBe(3734250640);
    expect(hashWordFeature(['good'], true)).not.toBe(hashWordFeature(['good']));
  });

  it('emits each word unigram and bigram with the same hash hashWordFeature gives', () => {
    const extractor = new FeatureExtractor({ ...DEFAULT_FEATURE_SETTINGS, charMax: 0, boundaries: false });
    const count = extractor.extract('Order late');
    expect(Array.from(extractor.hashes.subarray(0, count))).toEqual([
      hashWordFeature(['order']),
      hashWordFeature(['late']),
      hashWordFeature(['order', 'late']),
    ]);
  });

  it('L2-normalises the sparse values', () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURE_SETTINGS);
    const count = extractor.extract('@acme my parcel is late again, where is it?');
    let sum = 0;
    for (let f = 0; f < count; f++) sum += extractor.values[f] ** 2;
    expect(sum).toBeCloseTo(1, 5);
  });

  it('gives the same features for the same text on every call (no state leaks between texts)', () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURE_SETTINGS);
    const first = extractor.extract('worst service ever, not happy');
    const hashes = Array.from(extractor.hashes.subarray(0, first));
    extractor.extract('a completely different and much longer text with many more words in it than the first one had');
    const again = extractor.extract('worst service ever, not happy');
    expect(Array.from(extractor.hashes.subarray(0, again))).toEqual(hashes);
  });

  it('scores opinion words with AFINN, flipping negated ones', () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURE_SETTINGS);
    extractor.extract('great');
    const positive = DENSE_FEATURES.indexOf('positive words (AFINN sum)');
    const negative = DENSE_FEATURES.indexOf('negative words (AFINN sum)');
    expect(extractor.dense[positive]).toBeGreaterThan(0);
    expect(extractor.dense[negative]).toBe(0);
    extractor.extract('not great');
    expect(extractor.dense[positive]).toBe(0);
    expect(extractor.dense[negative]).toBeGreaterThan(0);
  });

  it('names the words and bigrams features came from', () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURE_SETTINGS);
    extractor.extract('not good');
    expect(extractor.describeUnit(0)).toBe('not');
    expect(extractor.describeUnit(1)).toBe('good (negated)');
    expect(extractor.describeUnit(2)).toBe('not good');
  });
});
