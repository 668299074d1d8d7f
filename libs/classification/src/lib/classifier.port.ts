import { type Classification } from '@perch/contracts';

/** Anything that labels a message. The baseline is a lexicon; a trained model replaces it later. */
export interface TextClassifier {
  readonly modelName: string;
  classify(text: string): Classification;
}
