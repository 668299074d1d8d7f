import { type FeatureSettings } from './feature-hasher.util';

/** One softmax classifier over the shared hashed features: sentiment (3 classes) or actionability (2). */
export interface LinearHead {
  classes: readonly string[];
  /** log2 of the number of hash buckets this head uses (a head may use fewer buckets than another). */
  bucketBits: number;
  /** Feature-major: weights[bucket * K + k], so one feature's K weights are adjacent in memory. */
  weights: Float32Array;
  /** Dense-feature weights, dense[d * K + k]. */
  dense: Float32Array;
  /** Per-class bias, including the offsets chosen for balanced recall. */
  bias: Float32Array;
  /** Calibration: probabilities are softmax(logits / temperature). */
  temperature: number;
  /** Below this calibrated top-class probability the head answers `undeclared`. */
  threshold: number;
}

export interface LinearModel {
  /** e.g. "perch-linear@1.0.0"; goes into every Classification's `model`. */
  name: string;
  features: FeatureSettings;
  sentiment: LinearHead;
  actionability: LinearHead;
  /** Training provenance and measured quality, written by the training pipeline (figures only, no texts). */
  metadata: Record<string, unknown>;
}

export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive'] as const;
export const ACTIONABILITY_CLASSES = ['not-actionable', 'actionable'] as const;
