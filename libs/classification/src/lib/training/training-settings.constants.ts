import { type FeatureSettings } from '../model/feature-hasher.util';
import { type TrainerSettings } from '../model/linear-trainer.util';

export interface HeadTrainingSettings extends Omit<TrainerSettings, 'epochs'> {
  /** Upper bound for early stopping on the dev split; the final model trains for the best epoch count. */
  maxEpochs: number;
  /**
   * Cost of answering `undeclared`, relative to a wrong label (Chow's rule): the head abstains when the calibrated
   * top probability is below 1 − abstainCost.
   */
  abstainCost: number;
}

export interface ActionabilityTrainingSettings extends HeadTrainingSettings {
  /** Loss weight of a proxy example from the complaints data (hand labels weigh 1). */
  proxyWeight: number;
  /** Loss weight of a proxy example from tweet-acts (general-topic tweets, further from customer care). */
  tweetActsProxyWeight: number;
}

export interface TrainingSettings {
  /** Goes into the model name: "perch-linear@<version>". Bump when settings or data change. */
  version: string;
  features: FeatureSettings;
  sentiment: HeadTrainingSettings;
  actionability: ActionabilityTrainingSettings;
  /** Folds of the grouped cross-validation that estimates quality on unseen data. */
  folds: number;
}

/**
 * The settings `npm run train:classifier` uses. Chosen by `npm run train:classifier -- --select` on the dev
 * splits (SemEval twitter-2016test for sentiment, the hand-labelled dev split for actionability); the table that
 * run printed is in docs/classifier.md.
 */
export const SELECTED_TRAINING_SETTINGS: TrainingSettings = {
  version: '1.1.1',
  features: {
    wordNgrams: 2,
    charMin: 2,
    charMax: 5,
    charScale: 0.25,
    negation: true,
    dense: true,
    boundaries: true,
    vader: 'all',
  },
  sentiment: {
    bucketBits: 20,
    maxEpochs: 8,
    learningRate: 0.05,
    l2: 3e-4,
    classWeightPower: 1,
    seed: 20240601,
    abstainCost: 0.62,
  },
  actionability: {
    bucketBits: 18,
    maxEpochs: 15,
    learningRate: 0.05,
    l2: 1e-4,
    classWeightPower: 1,
    seed: 20240602,
    abstainCost: 0.48,
    proxyWeight: 0.5,
    tweetActsProxyWeight: 0.1,
  },
  folds: 5,
};
