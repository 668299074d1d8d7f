import { DEFAULT_FEATURE_SETTINGS } from '../model/feature-hasher.util';
import { ACTIONABILITY_CLASSES, type LinearModel, SENTIMENT_CLASSES } from '../model/linear-model.types';
import { featurize, trainSoftmax } from '../model/linear-trainer.util';

const SENTIMENT_EXAMPLES: readonly [string, number][] = [
  ['i love this, great service', 2],
  ['brilliant and helpful, thanks', 2],
  ['love it, amazing', 2],
  ['awful, i hate this', 0],
  ['worst service, broken again', 0],
  ['terrible and rude', 0],
  ['the store opens on tuesday', 1],
  ['new update is out today', 1],
  ['meeting at the office', 1],
];

const ACTIONABILITY_EXAMPLES: readonly [string, number][] = [
  ['please refund my order', 1],
  ['how do i reset my password?', 1],
  ['my parcel never arrived, help', 1],
  ['can you check my account?', 1],
  ['thanks, all sorted', 0],
  ['love you guys', 0],
  ['great game tonight', 0],
  ['happy friday everyone', 0],
];

/**
 * A small model trained in milliseconds on hand-made examples, for tests that need a real TrainedClassifier
 * without the committed weights (and without depending on what they learned).
 */
export function tinyModel(thresholds: { sentiment?: number; actionability?: number } = {}): LinearModel {
  // Words only: with so few examples the dense lexicon features would carry everything.
  const features = { ...DEFAULT_FEATURE_SETTINGS, charMax: 0, dense: false };
  const trainer = { bucketBits: 12, epochs: 30, learningRate: 0.3, l2: 1e-6, classWeightPower: 1, seed: 3 };
  const s = featurize(SENTIMENT_EXAMPLES.map((e) => e[0]), SENTIMENT_EXAMPLES.map((e) => e[1]), features);
  const a = featurize(ACTIONABILITY_EXAMPLES.map((e) => e[0]), ACTIONABILITY_EXAMPLES.map((e) => e[1]), features);
  const sentiment = trainSoftmax(s, SENTIMENT_CLASSES, trainer).head;
  const actionability = trainSoftmax(a, ACTIONABILITY_CLASSES, { ...trainer, bucketBits: 11 }).head;
  return {
    name: 'perch-linear@test',
    features,
    sentiment: { ...sentiment, threshold: thresholds.sentiment ?? 0.4 },
    actionability: { ...actionability, threshold: thresholds.actionability ?? 0.55 },
    metadata: { purpose: 'unit tests' },
  };
}
