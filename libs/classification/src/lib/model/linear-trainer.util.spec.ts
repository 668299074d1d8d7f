import { seededRandom } from '@perch/platform';

import { DEFAULT_FEATURE_SETTINGS } from './feature-hasher.util';
import { argmaxRows } from './evaluation-metrics.util';
import { classWeights, concatSets, featurize, setLogits, subsetOf, trainSoftmax } from './linear-trainer.util';

const CLASSES = ['negative', 'neutral', 'positive'] as const;
const SETTINGS = { ...DEFAULT_FEATURE_SETTINGS, charMax: 0 };
const TRAINER = { bucketBits: 12, epochs: 8, learningRate: 0.2, l2: 1e-5, classWeightPower: 1, seed: 7 };

function syntheticSet(): { texts: string[]; labels: number[] } {
  const random = seededRandom(1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const filler = ['the', 'order', 'today', 'my', 'app', 'store', 'again', 'this'];
  const cues = [['awful', 'hate', 'broken', 'worst'], ['tuesday', 'update', 'address', 'meeting'], ['love', 'great', 'thanks', 'brilliant']];
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 300; i++) {
    const label = i % 3;
    texts.push([pick(filler), pick(cues[label]), pick(filler), pick(filler)].join(' '));
    labels.push(label);
  }
  return { texts, labels };
}

describe('trainSoftmax', () => {
  it('learns a small synthetic three-class problem', () => {
    const { texts, labels } = syntheticSet();
    const set = featurize(texts, labels, SETTINGS);
    const { head } = trainSoftmax(set, CLASSES, TRAINER);
    const test = featurize(['i hate this app', 'love the store', 'meeting on tuesday'], [0, 2, 1], SETTINGS);
    expect(Array.from(argmaxRows(setLogits(head, test), 3))).toEqual([0, 2, 1]);
  });

  it('is deterministic for a given seed', () => {
    const { texts, labels } = syntheticSet();
    const set = featurize(texts, labels, SETTINGS);
    const a = trainSoftmax(set, CLASSES, { ...TRAINER, epochs: 2 }).head.weights;
    const b = trainSoftmax(set, CLASSES, { ...TRAINER, epochs: 2 }).head.weights;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('keeps the weights of the epoch that scored best', () => {
    const { texts, labels } = syntheticSet();
    const set = featurize(texts, labels, SETTINGS);
    const scores = [0.5, 0.9, 0.7];
    const result = trainSoftmax(set, CLASSES, { ...TRAINER, epochs: 3 }, () => scores.shift() ?? 0);
    expect(result.bestEpoch).toBe(2);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  });
});

describe('featurized sets', () => {
  it('subsets and concatenates examples with their features, labels and weights', () => {
    const set = featurize(['good', 'bad day', 'ok then fine'], [2, 0, 1], SETTINGS, [1, 0.5, 0.25]);
    const picked = subsetOf(set, [2, 0]);
    expect(Array.from(picked.labels)).toEqual([1, 2]);
    expect(Array.from(picked.weights)).toEqual([0.25, 1]);
    expect(picked.offsets[1]).toBe(set.offsets[3] - set.offsets[2]);
    const joined = concatSets(picked, subsetOf(set, [1]));
    expect(joined.size).toBe(3);
    expect(Array.from(joined.labels)).toEqual([1, 2, 0]);
    expect(joined.offsets[3]).toBe(joined.hashes.length);
  });

  it('weights classes inversely to their frequency', () => {
    const set = featurize(['a', 'b', 'c', 'd'], [0, 0, 0, 1], SETTINGS);
    const weights = classWeights(set, 2, 1);
    expect(weights[0]).toBeCloseTo(4 / 6);
    expect(weights[1]).toBeCloseTo(2);
  });
});
