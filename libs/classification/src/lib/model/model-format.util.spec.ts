import { gunzipSync, gzipSync } from 'node:zlib';

import { tinyModel } from '../testing/tiny-model.fixtures';
import { decodeModel, dequantizeWeights, encodeModel, ModelFormatError, quantizeWeights } from './model-format.util';

describe('model file format', () => {
  it('round-trips a model: header fields exactly, weights within the int8 step', () => {
    const model = tinyModel();
    const decoded = decodeModel(encodeModel(model));
    expect(decoded.name).toBe(model.name);
    expect(decoded.features).toEqual(model.features);
    expect(decoded.metadata).toEqual(model.metadata);
    for (const head of ['sentiment', 'actionability'] as const) {
      const original = model[head];
      const read = decoded[head];
      expect(read.classes).toEqual(original.classes);
      expect(read.bucketBits).toBe(original.bucketBits);
      expect(read.threshold).toBe(original.threshold);
      expect(Array.from(read.bias)).toEqual(Array.from(original.bias));
      expect(Array.from(read.dense)).toEqual(Array.from(original.dense));
      let max = 0;
      for (const w of original.weights) max = Math.max(max, Math.abs(w));
      for (let i = 0; i < original.weights.length; i++) {
        // Square-root companding: the error is at most one step of 2·max/127 near the largest weights.
        expect(Math.abs(read.weights[i] - original.weights[i])).toBeLessThanOrEqual((2 * max) / 127);
      }
    }
  });

  it('keeps exact zeros and the largest weight exactly', () => {
    const weights = Float32Array.from([0, 0.001, -0.5, 2, -2, 0]);
    const { codes, scale } = quantizeWeights(weights);
    const back = dequantizeWeights(codes, scale);
    expect(back[0]).toBe(0);
    expect(back[5]).toBe(0);
    expect(back[3]).toBeCloseTo(2, 6);
    expect(back[4]).toBeCloseTo(-2, 6);
    expect(back[2]).toBeCloseTo(-0.5, 1);
  });

  it('refuses files that are not a perch-linear model', () => {
    expect(() => decodeModel(Buffer.from('not gzip'))).toThrow(ModelFormatError);
    expect(() => decodeModel(gzipSync(Buffer.from('PLIX0000000000000000')))).toThrow(/not a perch-linear/);
  });

  it('refuses a truncated file', () => {
    const full = gunzipSync(encodeModel(tinyModel()));
    expect(() => decodeModel(gzipSync(full.subarray(0, full.length - 10)))).toThrow(/truncated/);
  });
});

