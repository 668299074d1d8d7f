import { type Classification } from '@perch/contracts';

/** Anything that labels a message: the trained model (TrainedClassifier) in production, the lexicon as the baseline. */
export interface TextClassifier {
  readonly modelName: string;
  classify(text: string): Classification;
}
