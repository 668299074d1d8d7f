import { type LinearHead } from './linear-model.types';

/** Sparse features of one text, as the extractor leaves them (arrays valid up to `count`). */
export interface SparseFeatures {
  hashes: Uint32Array;
  values: Float32Array;
  count: number;
  /** The extractor's dense features, followed by any stacked inputs the head expects (its dense.length / K). */
  dense: Float32Array;
}

/**
 * Raw (uncalibrated) logits of one head into `out` (length ≥ K). With `record` (length ≥ count · K), each
 * feature's K weights are copied there in feature order, so explaining the decision afterwards reads them
 * sequentially instead of going back to the big weight table (cache misses are most of the inference time).
 */
export function headLogits(head: LinearHead, features: SparseFeatures, out: Float64Array, record?: Float32Array): void {
  const K = head.classes.length;
  const mask = (1 << head.bucketBits) - 1;
  const w = head.weights;
  for (let k = 0; k < K; k++) out[k] = head.bias[k];
  const { hashes, values, count, dense } = features;
  if (K === 3 && record) {
    // The sentiment head, unrolled.
    let l0 = out[0];
    let l1 = out[1];
    let l2 = out[2];
    for (let f = 0; f < count; f++) {
      const base = (hashes[f] & mask) * 3;
      const v = values[f];
      const w0 = w[base];
      const w1 = w[base + 1];
      const w2 = w[base + 2];
      l0 += v * w0;
      l1 += v * w1;
      l2 += v * w2;
      const r = f * 3;
      record[r] = w0;
      record[r + 1] = w1;
      record[r + 2] = w2;
    }
    out[0] = l0;
    out[1] = l1;
    out[2] = l2;
  } else if (K === 2 && record) {
    let l0 = out[0];
    let l1 = out[1];
    for (let f = 0; f < count; f++) {
      const base = (hashes[f] & mask) * 2;
      const v = values[f];
      const w0 = w[base];
      const w1 = w[base + 1];
      l0 += v * w0;
      l1 += v * w1;
      record[f * 2] = w0;
      record[f * 2 + 1] = w1;
    }
    out[0] = l0;
    out[1] = l1;
  } else {
    for (let f = 0; f < count; f++) {
      const base = (hashes[f] & mask) * K;
      const v = values[f];
      for (let k = 0; k < K; k++) {
        const weight = w[base + k];
        out[k] += v * weight;
        if (record) record[f * K + k] = weight;
      }
    }
  }
  const width = head.dense.length / K;
  for (let d = 0; d < width; d++) {
    const x = dense[d];
    if (x === 0) continue;
    for (let k = 0; k < K; k++) out[k] += x * head.dense[d * K + k];
  }
}

/** softmax(logits / temperature) in place over the first K entries; returns the arg-max. */
export function calibratedSoftmax(logits: Float64Array, K: number, temperature: number): number {
  let best = 0;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const z = logits[k] / temperature;
    logits[k] = z;
    if (z > max) {
      max = z;
      best = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(logits[k] - max);
    logits[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) logits[k] /= sum;
  return best;
}
