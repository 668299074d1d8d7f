import { seededRandom } from '@perch/platform';

import { FeatureExtractor, type FeatureSettings } from './feature-hasher.util';
import { type LinearHead } from './linear-model.types';
import { calibratedSoftmax } from './linear-scorer.util';

/** Texts turned into features once (CSR layout), so training and evaluation never re-tokenise. */
export interface FeaturizedSet {
  size: number;
  /** Example i owns hashes/values[offsets[i] .. offsets[i + 1]). */
  offsets: Int32Array;
  hashes: Uint32Array;
  values: Float32Array;
  /** dense[i * denseWidth + d] */
  dense: Float32Array;
  /** Dense inputs per example: the extractor's dense features, plus any stacked inputs (e.g. sentiment for actionability). */
  denseWidth: number;
  /** Class index per example. */
  labels: Uint8Array;
  /** Per-example weight in the loss (hand labels 1, weaker proxies less). */
  weights: Float32Array;
}

export interface TrainerSettings {
  bucketBits: number;
  epochs: number;
  /** AdaGrad's base step. */
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches (lazy, per update). */
  l2: number;
  /** Class weights are (N / (K · n_k))^power: 0 = none, 1 = fully balanced. */
  classWeightPower: number;
  seed: number;
}

export interface TrainResult {
  head: LinearHead;
  /** The epoch (1-based) whose weights were kept: the best on the evaluation callback, else the last. */
  bestEpoch: number;
  history: { epoch: number; score: number }[];
}

export function featurize(
  texts: readonly string[],
  labels: readonly number[],
  settings: FeatureSettings,
  weights?: readonly number[],
): FeaturizedSet {
  const extractor = new FeatureExtractor(settings);
  const width = extractor.dense.length;
  const offsets = new Int32Array(texts.length + 1);
  let hashes = new Uint32Array(texts.length * 128);
  let values = new Float32Array(texts.length * 128);
  const dense = new Float32Array(texts.length * width);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const count = extractor.extract(texts[i]);
    if (at + count > hashes.length) {
      const size = Math.max(hashes.length * 2, at + count);
      const h = new Uint32Array(size);
      h.set(hashes);
      hashes = h;
      const v = new Float32Array(size);
      v.set(values);
      values = v;
    }
    hashes.set(extractor.hashes.subarray(0, count), at);
    values.set(extractor.values.subarray(0, count), at);
    dense.set(extractor.dense, i * width);
    at += count;
    offsets[i + 1] = at;
  }
  return {
    size: texts.length,
    denseWidth: width,
    offsets,
    hashes: hashes.slice(0, at),
    values: values.slice(0, at),
    dense,
    labels: Uint8Array.from(labels),
    weights: weights ? Float32Array.from(weights) : new Float32Array(texts.length).fill(1),
  };
}

/** The examples at `indices`, in that order (for folds and splits). */
export function subsetOf(set: FeaturizedSet, indices: readonly number[]): FeaturizedSet {
  let total = 0;
  for (const i of indices) total += set.offsets[i + 1] - set.offsets[i];
  const offsets = new Int32Array(indices.length + 1);
  const hashes = new Uint32Array(total);
  const values = new Float32Array(total);
  const W = set.denseWidth;
  const dense = new Float32Array(indices.length * W);
  const labels = new Uint8Array(indices.length);
  const weights = new Float32Array(indices.length);
  let at = 0;
  indices.forEach((i, j) => {
    const from = set.offsets[i];
    const to = set.offsets[i + 1];
    hashes.set(set.hashes.subarray(from, to), at);
    values.set(set.values.subarray(from, to), at);
    at += to - from;
    offsets[j + 1] = at;
    dense.set(set.dense.subarray(i * W, (i + 1) * W), j * W);
    labels[j] = set.labels[i];
    weights[j] = set.weights[i];
  });
  return { size: indices.length, denseWidth: W, offsets, hashes, values, dense, labels, weights };
}

export function concatSets(a: FeaturizedSet, b: FeaturizedSet): FeaturizedSet {
  if (a.denseWidth !== b.denseWidth) throw new Error('cannot concatenate sets with different dense widths');
  const offsets = new Int32Array(a.size + b.size + 1);
  offsets.set(a.offsets);
  const shift = a.offsets[a.size];
  for (let i = 1; i <= b.size; i++) offsets[a.size + i] = b.offsets[i] + shift;
  const join = <T extends Uint32Array | Float32Array | Uint8Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    size: a.size + b.size,
    denseWidth: a.denseWidth,
    offsets,
    hashes: join(a.hashes, b.hashes, (n) => new Uint32Array(n)),
    values: join(a.values, b.values, (n) => new Float32Array(n)),
    dense: join(a.dense, b.dense, (n) => new Float32Array(n)),
    labels: join(a.labels, b.labels, (n) => new Uint8Array(n)),
    weights: join(a.weights, b.weights, (n) => new Float32Array(n)),
  };
}

export function shuffleInPlace(array: Int32Array | number[], random: () => number): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
}

export function classWeights(set: FeaturizedSet, K: number, power: number): Float64Array {
  const counts = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < set.size; i++) {
    counts[set.labels[i]] += set.weights[i];
    total += set.weights[i];
  }
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) out[k] = counts[k] > 0 ? Math.pow(total / (K * counts[k]), power) : 0;
  return out;
}

/** The same set with extra dense inputs per example appended (n × extraWidth, row-major). */
export function withStackedInputs(set: FeaturizedSet, extra: Float32Array | Float64Array, extraWidth: number): FeaturizedSet {
  const W = set.denseWidth + extraWidth;
  const dense = new Float32Array(set.size * W);
  for (let i = 0; i < set.size; i++) {
    dense.set(set.dense.subarray(i * set.denseWidth, (i + 1) * set.denseWidth), i * W);
    for (let e = 0; e < extraWidth; e++) dense[i * W + set.denseWidth + e] = extra[i * extraWidth + e];
  }
  return { ...set, dense, denseWidth: W };
}

/** Raw logits of every example of a set under one head (n × K, row-major). */
export function setLogits(head: LinearHead, set: FeaturizedSet): Float64Array {
  const K = head.classes.length;
  const mask = (1 << head.bucketBits) - 1;
  const out = new Float64Array(set.size * K);
  for (let i = 0; i < set.size; i++) {
    const row = i * K;
    for (let k = 0; k < K; k++) out[row + k] = head.bias[k];
    for (let f = set.offsets[i]; f < set.offsets[i + 1]; f++) {
      const base = (set.hashes[f] & mask) * K;
      const v = set.values[f];
      for (let k = 0; k < K; k++) out[row + k] += v * head.weights[base + k];
    }
    const W = set.denseWidth;
    for (let d = 0; d < W; d++) {
      const x = set.dense[i * W + d];
      if (x !== 0) for (let k = 0; k < K; k++) out[row + k] += x * head.dense[d * K + k];
    }
  }
  return out;
}

/**
 * Multinomial logistic regression on hashed features, trained with per-example AdaGrad, class-weighted loss and
 * L2. With `evaluate`, each epoch is scored (e.g. macro recall on a dev split) and the best epoch's weights kept.
 */
export function trainSoftmax(
  set: FeaturizedSet,
  classes: readonly string[],
  settings: TrainerSettings,
  evaluate?: (head: LinearHead) => number,
): TrainResult {
  const K = classes.length;
  const buckets = 1 << settings.bucketBits;
  const mask = buckets - 1;
  const weights = new Float32Array(buckets * K);
  const sumSq = new Float32Array(buckets * K);
  const W = set.denseWidth;
  const dense = new Float32Array(W * K);
  const denseSq = new Float32Array(W * K);
  const bias = new Float32Array(K);
  const biasSq = new Float32Array(K);
  const head: LinearHead = { classes, bucketBits: settings.bucketBits, weights, dense, bias, temperature: 1, threshold: 0 };
  const cw = classWeights(set, K, settings.classWeightPower);
  const order = Int32Array.from({ length: set.size }, (_, i) => i);
  const random = seededRandom(settings.seed);
  const logits = new Float64Array(K);
  const grad = new Float64Array(K);
  const { learningRate: lr, l2 } = settings;
  const EPS = 1e-6;
  let best: { score: number; epoch: number; weights: Float32Array; dense: Float32Array; bias: Float32Array } | undefined;
  const history: { epoch: number; score: number }[] = [];

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let o = 0; o < set.size; o++) {
      const i = order[o];
      const from = set.offsets[i];
      const to = set.offsets[i + 1];
      for (let k = 0; k < K; k++) logits[k] = bias[k];
      for (let f = from; f < to; f++) {
        const base = (set.hashes[f] & mask) * K;
        const v = set.values[f];
        for (let k = 0; k < K; k++) logits[k] += v * weights[base + k];
      }
      const denseRow = i * W;
      for (let d = 0; d < W; d++) {
        const x = set.dense[denseRow + d];
        if (x !== 0) for (let k = 0; k < K; k++) logits[k] += x * dense[d * K + k];
      }
      calibratedSoftmax(logits, K, 1);
      const y = set.labels[i];
      const scale = set.weights[i] * cw[y];
      for (let k = 0; k < K; k++) grad[k] = (logits[k] - (k === y ? 1 : 0)) * scale;

      for (let f = from; f < to; f++) {
        const base = (set.hashes[f] & mask) * K;
        const v = set.values[f];
        for (let k = 0; k < K; k++) {
          const j = base + k;
          const g = grad[k] * v + l2 * weights[j];
          sumSq[j] += g * g;
          weights[j] -= (lr * g) / (Math.sqrt(sumSq[j]) + EPS);
        }
      }
      for (let d = 0; d < W; d++) {
        const x = set.dense[denseRow + d];
        if (x === 0) continue;
        for (let k = 0; k < K; k++) {
          const j = d * K + k;
          const g = grad[k] * x + l2 * dense[j];
          denseSq[j] += g * g;
          dense[j] -= (lr * g) / (Math.sqrt(denseSq[j]) + EPS);
        }
      }
      for (let k = 0; k < K; k++) {
        biasSq[k] += grad[k] * grad[k];
        bias[k] -= (lr * grad[k]) / (Math.sqrt(biasSq[k]) + EPS);
      }
    }
    if (evaluate) {
      const score = evaluate(head);
      history.push({ epoch, score });
      if (!best || score > best.score) {
        best = { score, epoch, weights: weights.slice(), dense: dense.slice(), bias: bias.slice() };
      }
    }
  }
  if (best) {
    return {
      head: { ...head, weights: best.weights, dense: best.dense, bias: best.bias },
      bestEpoch: best.epoch,
      history,
    };
  }
  return { head, bestEpoch: settings.epochs, history };
}
