/** Quality figures for a K-class labelling: gold and predicted class indices of the same examples. */
export interface ClassificationReport {
  accuracy: number;
  macroRecall: number;
  macroF1: number;
  /** Per class, in class order. */
  recall: number[];
  precision: number[];
  f1: number[];
  /** confusion[gold][predicted] */
  confusion: number[][];
  /** Examples the labeller declined (predicted -1): counted as wrong in every figure above. */
  undeclared: number;
  size: number;
}

export function confusionMatrix(gold: ArrayLike<number>, predicted: ArrayLike<number>, K: number): number[][] {
  const matrix = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < gold.length; i++) {
    const p = predicted[i];
    if (p >= 0) matrix[gold[i]][p]++;
  }
  return matrix;
}

export function classificationReport(gold: ArrayLike<number>, predicted: ArrayLike<number>, K: number): ClassificationReport {
  const confusion = confusionMatrix(gold, predicted, K);
  const goldCount = new Array<number>(K).fill(0);
  for (let i = 0; i < gold.length; i++) goldCount[gold[i]]++;
  let correct = 0;
  let undeclared = 0;
  for (let i = 0; i < gold.length; i++) {
    if (predicted[i] < 0) undeclared++;
    else if (predicted[i] === gold[i]) correct++;
  }
  const recall: number[] = [];
  const precision: number[] = [];
  const f1: number[] = [];
  for (let k = 0; k < K; k++) {
    const tp = confusion[k][k];
    let predictedK = 0;
    for (let g = 0; g < K; g++) predictedK += confusion[g][k];
    const r = goldCount[k] > 0 ? tp / goldCount[k] : 0;
    const p = predictedK > 0 ? tp / predictedK : 0;
    recall.push(r);
    precision.push(p);
    f1.push(r + p > 0 ? (2 * r * p) / (r + p) : 0);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    accuracy: gold.length > 0 ? correct / gold.length : 0,
    macroRecall: mean(recall),
    macroF1: mean(f1),
    recall,
    precision,
    f1,
    confusion,
    undeclared,
    size: gold.length,
  };
}

/** SemEval 2016–2017's second measure for 3-class sentiment: the mean F1 of the positive and negative classes. */
export function f1PositiveNegative(report: ClassificationReport, negative: number, positive: number): number {
  return (report.f1[negative] + report.f1[positive]) / 2;
}

/** Arg-max of each row of an n × K matrix. */
export function argmaxRows(scores: ArrayLike<number>, K: number): Int32Array {
  const n = scores.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (scores[i * K + k] > scores[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}
