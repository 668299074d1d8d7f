import { argmaxRows, classificationReport, confusionMatrix, f1PositiveNegative } from './evaluation-metrics.util';

describe('classification metrics', () => {
  const gold = [0, 0, 1, 1, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0];

  it('builds a gold × predicted confusion matrix', () => {
    expect(confusionMatrix(gold, predicted, 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
  });

  it('averages recall and F1 over classes, not examples', () => {
    const report = classificationReport(gold, predicted, 3);
    expect(report.recall).toEqual([0.5, 1, 0.5]);
    expect(report.macroRecall).toBeCloseTo(2 / 3);
    expect(report.precision).toEqual([0.5, 2 / 3, 1]);
    expect(report.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
    expect(report.accuracy).toBeCloseTo(4 / 6);
    expect(f1PositiveNegative(report, 0, 2)).toBeCloseTo((0.5 + 2 / 3) / 2);
  });

  it('counts undeclared predictions (-1) as misses', () => {
    const report = classificationReport([0, 1], [-1, 1], 2);
    expect(report.undeclared).toBe(1);
    expect(report.recall).toEqual([0, 1]);
    expect(report.accuracy).toBe(0.5);
  });

  it('takes the arg-max of each row', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 3, -1, 2], 3))).toEqual([1, 0]);
  });
});
