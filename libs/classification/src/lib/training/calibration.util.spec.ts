import { seededRandom } from '@perch/platform';

import { calibratedProbabilities, fitTemperature, predictWithAbstention } from './calibration.util';

describe('temperature calibration', () => {
  it('recovers the temperature of over-confident logits', () => {
    // Labels drawn from softmax(z); the "model" reports 3·z, so the right temperature is 3.
    const random = seededRandom(5);
    const n = 4000;
    const logits = new Float64Array(n * 3);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const z = [random() * 2, random() * 2, random() * 2];
      const e = z.map(Math.exp);
      const sum = e[0] + e[1] + e[2];
      const u = random() * sum;
      labels[i] = u < e[0] ? 0 : u < e[0] + e[1] ? 1 : 2;
      for (let k = 0; k < 3; k++) logits[i * 3 + k] = 3 * z[k];
    }
    expect(fitTemperature(logits, labels, 3)).toBeGreaterThan(2.4);
    expect(fitTemperature(logits, labels, 3)).toBeLessThan(3.6);
  });

  it('abstains (-1) below the threshold and answers the arg-max above it', () => {
    const probabilities = calibratedProbabilities(Float64Array.from([2, 0, 0, 0.1, 0, 0.05]), 3, 1);
    expect(Array.from(predictWithAbstention(probabilities, 3, 0.4))).toEqual([0, -1]);
  });
});
