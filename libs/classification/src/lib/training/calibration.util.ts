/**
 * Temperature scaling: the single T that minimises the negative log-likelihood of the gold labels under
 * softmax(logits / T) on held-out data. It keeps the arg-max and makes the top probability mean what it says.
 */
export function fitTemperature(logits: Float64Array, labels: ArrayLike<number>, K: number): number {
  const nll = (t: number): number => {
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = i * K;
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, logits[row + k] / t);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(logits[row + k] / t - max);
      total -= logits[row + labels[i]] / t - max - Math.log(sum);
    }
    return total / Math.max(1, labels.length);
  };
  // Golden-section search on log T in [1/5, 5]: the NLL is unimodal in T.
  let lo = Math.log(0.2);
  let hi = Math.log(5);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(Math.exp(a));
  let fb = nll(Math.exp(b));
  for (let iteration = 0; iteration < 40; iteration++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = nll(Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = nll(Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Calibrated probabilities (n × K) from raw logits and a temperature. */
export function calibratedProbabilities(logits: Float64Array, K: number, temperature: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += K) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[row + k] / temperature);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(logits[row + k] / temperature - max);
      out[row + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) out[row + k] /= sum;
  }
  return out;
}

/**
 * Predictions with abstention (-1) by Chow's rule: answer the arg-max unless its calibrated probability is below
 * `threshold` (= 1 − the cost of abstaining relative to a wrong answer).
 */
export function predictWithAbstention(probabilities: Float64Array, K: number, threshold: number): Int32Array {
  const n = probabilities.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (probabilities[i * K + k] > probabilities[i * K + best]) best = k;
    out[i] = probabilities[i * K + best] >= threshold ? best : -1;
  }
  return out;
}

/** Expected calibration error over 10 equal-width bins of the top probability. */
export function expectedCalibrationError(probabilities: Float64Array, labels: ArrayLike<number>, K: number): number {
  const bins = 10;
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (probabilities[i * K + k] > probabilities[i * K + best]) best = k;
    const p = probabilities[i * K + best];
    const bin = Math.min(bins - 1, Math.floor(p * bins));
    count[bin]++;
    confidence[bin] += p;
    if (best === labels[i]) correct[bin]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += (Math.abs(confidence[b] - correct[b]) / labels.length);
  }
  return ece;
}
