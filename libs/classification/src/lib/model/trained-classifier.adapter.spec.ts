import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { tinyModel } from '../testing/tiny-model.fixtures';
import { encodeModel } from './model-format.util';
import { defaultModelPath } from './model-path.util';
import { TrainedClassifier } from './trained-classifier.adapter';

describe(TrainedClassifier.name, () => {
  const classifier = new TrainedClassifier(tinyModel());

  it('labels both sentiment and actionability and names the model', () => {
    const result = classifier.classify('@acme please refund my order, the service was awful');
    expect(result.sentiment).toBe('negative');
    expect(result.actionability).toBe('actionable');
    expect(result.model).toBe('perch-linear@test');
  });

  it('refuses a model whose dense weights do not match its feature settings', () => {
    const model = tinyModel();
    expect(() => new TrainedClassifier({ ...model, features: { ...model.features, dense: true, vader: 'all' } })).toThrow(
      /dense weights/,
    );
  });

  it('reports the features that weighed most for each label, as readable strings', () => {
    const result = classifier.classify('i love this, great service');
    expect(result.sentiment).toBe('positive');
    expect(result.sentimentFeatures.length).toBeGreaterThan(0);
    expect(result.sentimentFeatures.length).toBeLessThanOrEqual(3);
    expect(result.sentimentFeatures.some((f) => /^(love|great)\b/.test(f))).toBe(true);
    for (const feature of [...result.sentimentFeatures, ...result.actionabilityFeatures]) {
      expect(feature).toMatch(/^.+ \(\+\d+\.\d\d\)$|^no strong features$/);
    }
  });

  it('declares nothing for a language it does not support', () => {
    for (const text of ['@acme_support 注文がまだ届いていません', '@SkyLink merci pour ce vol, très bien']) {
      const result = classifier.classify(text);
      expect(result).toMatchObject({ sentiment: 'undeclared', actionability: 'undeclared', sentimentScore: 0, actionabilityScore: 0 });
      expect(result.sentimentFeatures[0]).toMatch(/unsupported language/);
    }
  });

  it('declares nothing when the calibrated confidence is below the threshold', () => {
    const unsure = new TrainedClassifier(tinyModel({ sentiment: 0.999, actionability: 0.999 }));
    const result = unsure.classify('the parcel');
    expect(result.sentiment).toBe('undeclared');
    expect(result.actionability).toBe('undeclared');
    // The score still says how confident the best guess was.
    expect(result.sentimentScore).toBeGreaterThan(0);
    expect(result.sentimentScore).toBeLessThan(0.999);
  });

  it('keeps scores within 0..1 for any text', () => {
    for (const text of ['', '@acme_support', 'terrible terrible terrible awful worst', 'hello', '!!!???', 'a'.repeat(5000)]) {
      const result = classifier.classify(text);
      for (const score of [result.sentimentScore, result.actionabilityScore]) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    }
  });

  it('loads a model file written by the training pipeline', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'perch-model-')), 'model.bin');
    writeFileSync(file, encodeModel(tinyModel()));
    const loaded = TrainedClassifier.load(file);
    expect(loaded.modelName).toBe('perch-linear@test');
    expect(loaded.classify('i love this').sentiment).toBe(classifier.classify('i love this').sentiment);
  });
});

describe('the committed model', () => {
  const classifier = TrainedClassifier.load();

  it('is found at the default path', () => {
    expect(existsSync(defaultModelPath())).toBe(true);
    expect(classifier.modelName).toMatch(/^perch-linear@\d+\.\d+\.\d+$/);
  });

  // Clear-cut texts only: this checks the committed weights are the trained ones, not the model's fine judgement.
  it.each([
    ['@acme_support worst service ever, my order is two weeks late and nobody answers. Where is it?', 'negative', 'actionable'],
    ['@acme_support you folks are amazing, thanks so much for the quick help! 😍', 'positive', 'not-actionable'],
    ['@acme_support how do I change the delivery address on my order?', undefined, 'actionable'],
    ['I love this song so much :)', 'positive', 'not-actionable'],
  ])('labels %p as a person would', (text, sentiment, actionability) => {
    const result = classifier.classify(text);
    if (sentiment) expect(result.sentiment).toBe(sentiment);
    expect(result.actionability).toBe(actionability);
  });
});
