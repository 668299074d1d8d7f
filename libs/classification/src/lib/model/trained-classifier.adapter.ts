import { readFileSync } from 'node:fs';

import { type Actionability, type Classification, type Sentiment } from '@perch/contracts';

import { type TextClassifier } from '../classifier.port';
import { detectEnglish } from './english-detector.util';
import { FeatureExtractor } from './feature-hasher.util';
import { type LinearHead, type LinearModel } from './linear-model.types';
import { calibratedSoftmax, headLogits } from './linear-scorer.util';
import { decodeModel, ModelFormatError } from './model-format.util';
import { defaultModelPath } from './model-path.util';

/** How many features each label reports. */
const TOP_FEATURES = 3;
const CANDIDATES = TOP_FEATURES * 2;
const NO_FEATURES = 'no strong features';

export interface HeadDecision {
  /** Index of the arg-max class in the head's classes. */
  best: number;
  /** Calibrated probabilities, one per class. */
  probabilities: number[];
  /** Whether the calibrated top probability cleared the head's threshold. */
  declared: boolean;
}

/**
 * Perch's trained classifier: hashed word and character n-grams plus a few lexicon features, two linear softmax
 * heads (sentiment, actionability) trained by `npm run train:classifier`, calibrated by temperature, in plain
 * TypeScript. `undeclared` when the text is not English or the calibrated confidence is below the head's
 * threshold. Not safe for concurrent use from several threads (it reuses buffers), like everything in Node.
 */
export class TrainedClassifier implements TextClassifier {
  readonly modelName: string;
  private readonly extractor: FeatureExtractor;
  private readonly logits = new Float64Array(8);
  private unitScores = new Float64Array(256);
  private readonly topUnits = new Int32Array(CANDIDATES);
  /** Per-feature weights of the last scored head (see headLogits), one buffer per head. */
  private sentimentRecord = new Float32Array(2048);
  private actionabilityRecord = new Float32Array(2048);

  constructor(readonly model: LinearModel) {
    this.modelName = model.name;
    this.extractor = new FeatureExtractor(model.features);
    for (const head of [model.sentiment, model.actionability]) {
      const width = head.dense.length / head.classes.length;
      if (width !== this.extractor.dense.length) {
        throw new ModelFormatError(`${model.name}: a head has ${width} dense weights per class, its feature settings give ${this.extractor.dense.length}`);
      }
    }
  }

  /** Loads the committed weights (or the file at `path`). Synchronous: it runs once at start-up. */
  static load(path: string = defaultModelPath()): TrainedClassifier {
    return new TrainedClassifier(decodeModel(readFileSync(path)));
  }

  classify(text: string): Classification {
    const x = this.extractor;
    x.extract(text);
    const language = detectEnglish(x.tokenizer);
    if (!language.supported) {
      const why = language.reason === 'no letters' ? 'no words' : `unsupported language (${language.reason})`;
      return {
        sentiment: 'undeclared',
        sentimentScore: 0,
        actionability: 'undeclared',
        actionabilityScore: 0,
        sentimentFeatures: [why],
        actionabilityFeatures: [why],
        model: this.modelName,
      };
    }
    this.ensureRecordSize(x.count);
    const sentiment = this.decide(this.model.sentiment, this.sentimentRecord);
    const sentimentFeatures = this.explain(this.model.sentiment, sentiment.best, this.sentimentRecord);
    const actionability = this.decide(this.model.actionability, this.actionabilityRecord);
    const actionabilityFeatures = this.explain(this.model.actionability, actionability.best, this.actionabilityRecord);
    return {
      sentiment: sentiment.declared ? (this.model.sentiment.classes[sentiment.best] as Sentiment) : 'undeclared',
      sentimentScore: round(sentiment.probabilities[sentiment.best]),
      actionability: actionability.declared
        ? (this.model.actionability.classes[actionability.best] as Actionability)
        : 'undeclared',
      actionabilityScore: round(actionability.probabilities[actionability.best]),
      sentimentFeatures,
      actionabilityFeatures,
      model: this.modelName,
    };
  }

  /** The calibrated probabilities of both heads, for evaluation and tools (no language check, no threshold). */
  probabilities(text: string): { sentiment: number[]; actionability: number[] } {
    this.extractor.extract(text);
    return {
      sentiment: this.decide(this.model.sentiment).probabilities,
      actionability: this.decide(this.model.actionability).probabilities,
    };
  }

  private ensureRecordSize(count: number): void {
    if (this.sentimentRecord.length < count * this.model.sentiment.classes.length) {
      this.sentimentRecord = new Float32Array(count * this.model.sentiment.classes.length * 2);
    }
    if (this.actionabilityRecord.length < count * this.model.actionability.classes.length) {
      this.actionabilityRecord = new Float32Array(count * this.model.actionability.classes.length * 2);
    }
  }

  private decide(head: LinearHead, record?: Float32Array): HeadDecision {
    const K = head.classes.length;
    const logits = this.logits;
    headLogits(head, this.extractor, logits, record);
    const best = calibratedSoftmax(logits, K, head.temperature);
    const probabilities: number[] = [];
    for (let k = 0; k < K; k++) probabilities.push(logits[k]);
    return { best, probabilities, declared: probabilities[best] >= head.threshold };
  }

  /**
   * The few units that pushed hardest towards class `chosen`: a word (its unigram plus its character n-grams), a
   * word bigram, or a dense feature. A feature's push is its value times (its weight for `chosen` − the mean of its
   * weights for the other classes), i.e. its share of the chosen class's margin.
   */
  private explain(head: LinearHead, chosen: number, record: Float32Array): string[] {
    const x = this.extractor;
    const K = head.classes.length;
    const n = x.tokenizer.length;
    const denseBase = 3 * n;
    const denseNames = x.denseNames;
    const denseCount = denseNames.length;
    const size = denseBase + denseCount;
    if (this.unitScores.length < size) this.unitScores = new Float64Array(size * 2);
    const scores = this.unitScores;
    scores.fill(0, 0, size);
    const others = K - 1;
    for (let f = 0; f < x.count; f++) {
      const base = f * K;
      let rest = 0;
      for (let k = 0; k < K; k++) if (k !== chosen) rest += record[base + k];
      scores[x.units[f]] += x.values[f] * (record[base + chosen] - rest / others);
    }
    for (let d = 0; d < denseCount; d++) {
      const value = x.dense[d];
      if (value === 0) continue;
      let rest = 0;
      for (let k = 0; k < K; k++) if (k !== chosen) rest += head.dense[d * K + k];
      scores[denseBase + d] += value * (head.dense[d * K + chosen] - rest / others);
    }
    // Keep twice as many candidates as reported (insertion into a small sorted array): a word that occurs twice
    // is two units with one name, merged below.
    const top = this.topUnits;
    let kept = 0;
    for (let u = 0; u < size; u++) {
      const score = scores[u];
      if (score <= 0 || (kept === CANDIDATES && score <= scores[top[kept - 1]])) continue;
      let at = kept < CANDIDATES ? kept++ : kept - 1;
      while (at > 0 && scores[top[at - 1]] < score) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = u;
    }
    if (kept === 0) return [NO_FEATURES];
    const names: string[] = [];
    const totals: number[] = [];
    for (let i = 0; i < kept; i++) {
      const u = top[i];
      const name = u >= denseBase ? denseNames[u - denseBase] : x.describeUnit(u);
      const seen = names.indexOf(name);
      if (seen >= 0) totals[seen] += scores[u];
      else {
        names.push(name);
        totals.push(scores[u]);
      }
    }
    const order = names.map((_, i) => i).sort((a, b) => totals[b] - totals[a]);
    const out: string[] = [];
    for (let i = 0; i < order.length && i < TOP_FEATURES; i++) out.push(`${names[order[i]]} (+${totals[order[i]].toFixed(2)})`);
    return out;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
