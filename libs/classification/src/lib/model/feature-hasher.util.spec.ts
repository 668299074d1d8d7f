import {
  DEFAULT_FEATURE_SETTINGS,
  DENSE_FEATURES,
  denseFeatureNames,
  FeatureExtractor,
  fnv1a,
  hashWordFeature,
  mix32,
  VADER_DENSE_FEATURES,
} from './feature-hasher.util';

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

describe('VADER dense features', () => {
  const settings = { ...DEFAULT_FEATURE_SETTINGS, vader: 'all' as const };
  const names = denseFeatureNames(settings);
  const at = (name: string): number => names.indexOf(name);
  const valenceSum = (x: FeatureExtractor, sign: 'positive' | 'negative'): number =>
    Math.expm1(x.dense[at(`${sign} words (VADER sum)`)] * 2);

  it('appends the VADER features only when they are switched on', () => {
    expect(new FeatureExtractor(DEFAULT_FEATURE_SETTINGS).dense.length).toBe(DENSE_FEATURES.length);
    expect(new FeatureExtractor(settings).dense.length).toBe(DENSE_FEATURES.length + VADER_DENSE_FEATURES.length);
  });

  it('sums positive and negative valences separately', () => {
    const x = new FeatureExtractor(settings);
    x.extract('good service but the app is a disaster');
    // good +1.9, disaster −3.1.
    expect(valenceSum(x, 'positive')).toBeCloseTo(1.9, 4);
    expect(valenceSum(x, 'negative')).toBeCloseTo(3.1, 4);
    expect(x.dense[at('positive words (VADER count)')]).toBeCloseTo(0.25);
    expect(x.dense[at('strongest negative word (VADER)')]).toBeCloseTo(3.1 / 4, 4);
    expect(x.dense[at('last opinion word negative (VADER)')]).toBeCloseTo(3.1 / 4, 4);
    expect(x.dense[at('overall valence (VADER compound)')]).toBeCloseTo(-1.2 / Math.sqrt(1.2 * 1.2 + 15), 4);
  });

  it('flips and damps a negated word as VADER does (×−0.74)', () => {
    const x = new FeatureExtractor(settings);
    x.extract('not good');
    expect(valenceSum(x, 'positive')).toBe(0);
    expect(valenceSum(x, 'negative')).toBeCloseTo(1.9 * 0.74, 4);
  });

  it('counts opinion words in capitals only when the text mixes capitals with lower case', () => {
    const x = new FeatureExtractor(settings);
    x.extract('the service is AWFUL');
    expect(x.dense[at('negative words in capitals (VADER)')]).toBeGreaterThan(0);
    x.extract('AWFUL SERVICE');
    expect(x.dense[at('negative words in capitals (VADER)')]).toBe(0);
  });

  it('leaves the VADER features at zero when the dense features are off', () => {
    const x = new FeatureExtractor({ ...settings, dense: false });
    x.extract('good');
    expect(Array.from(x.dense).every((v) => v === 0)).toBe(true);
  });

  it('scores slang and emoticons AFINN lacks, and only those in afinn-gaps mode', () => {
    const gaps = new FeatureExtractor({ ...settings, vader: 'afinn-gaps' });
    gaps.extract('good thx :)');
    // "good" is in AFINN and skipped; thx 1.5 and :) 2.0 count.
    expect(valenceSum(gaps, 'positive')).toBeCloseTo(1.5 + 2.0, 4);
    const all = new FeatureExtractor(settings);
    all.extract('good thx :)');
    expect(valenceSum(all, 'positive')).toBeCloseTo(1.9 + 1.5 + 2.0, 4);
  });
});
