import { type Classification } from '@perch/contracts';

import { questionOrComplaintRule } from '../baseline/question-or-complaint-rule.util';
import { LexiconClassifier } from '../lexicon/lexicon-classifier.adapter';
import { type ClassificationReport, argmaxRows, classificationReport, f1PositiveNegative } from '../model/evaluation-metrics.util';
import { fnv1a, mix32 } from '../model/feature-hasher.util';
import { ACTIONABILITY_CLASSES, type LinearHead, type LinearModel, SENTIMENT_CLASSES } from '../model/linear-model.types';
import { type FeaturizedSet, concatSets, featurize, setLogits, subsetOf, trainSoftmax } from '../model/linear-trainer.util';
import { dequantizeWeights, quantizeWeights } from '../model/model-format.util';
import { type ActionabilityExample, loadActionabilityData } from './actionability-data.util';
import { calibratedProbabilities, expectedCalibrationError, fitTemperature, predictWithAbstention } from './calibration.util';
import { SEMEVAL_DEV_FILE, type SemevalTweet, dedupeSemeval, readSemevalFiles } from './semeval-loader.util';
import { nearDuplicateKey } from './text-key.util';
import { readCorrections } from './corrections-data.util';
import { type TrainingSettings } from './training-settings.constants';

export interface TrainingOptions {
  datasetsDir: string;
  labelsDir: string;
  settings: TrainingSettings;
  /** Run the grouped k-fold cross-validation (the slowest part). */
  crossValidate: boolean;
  /** Agents' exported corrections (corrections:export JSONL), added to the training sets only. */
  correctionsFile?: string;
  log: (message: string) => void;
}

/** Figures of one evaluation, rounded for the report. */
export interface Figures {
  size: number;
  macroRecall: number;
  macroF1: number;
  accuracy: number;
  /** SemEval's F1 over positive and negative (sentiment only). */
  f1PositiveNegative?: number;
  recall: Record<string, number>;
  /** Share of examples answered (not undeclared). */
  coverage?: number;
  confusion?: number[][];
}

export interface TrainingReport {
  model: string;
  settings: TrainingSettings;
  sentiment: {
    data: Record<string, number>;
    bestEpoch: number;
    temperature: number;
    threshold: number;
    dev: { model: Figures; modelWithUndeclared: Figures; quantized: Figures; lexicon: Figures; calibrationError: number };
    crossValidation?: { pooled: Figures; foldMacroRecall: number[] };
  };
  actionability: {
    data: Record<string, number>;
    bestEpoch: number;
    temperature: number;
    threshold: number;
    dev: {
      model: Figures;
      modelWithUndeclared: Figures;
      quantized: Figures;
      rule: Figures;
      lexicon: Figures;
      bySource: Record<string, { model: Figures; rule: Figures; lexicon: Figures }>;
      calibrationError: number;
    };
    crossValidation?: { pooled: Figures; foldMacroF1: number[] };
  };
}

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

function figures(report: ClassificationReport, classes: readonly string[], sentiment: boolean): Figures {
  return {
    size: report.size,
    macroRecall: r4(report.macroRecall),
    macroF1: r4(report.macroF1),
    accuracy: r4(report.accuracy),
    ...(sentiment ? { f1PositiveNegative: r4(f1PositiveNegative(report, 0, 2)) } : {}),
    recall: Object.fromEntries(classes.map((c, k) => [c, r4(report.recall[k])])),
    coverage: r4(1 - report.undeclared / Math.max(1, report.size)),
    confusion: report.confusion,
  };
}

function evaluate(gold: ArrayLike<number>, predicted: ArrayLike<number>, classes: readonly string[], sentiment: boolean): Figures {
  return figures(classificationReport(gold, predicted, classes.length), classes, sentiment);
}

/** Same head with weights passed through the int8 file encoding, to measure what quantisation costs. */
function quantizedCopy(head: LinearHead): LinearHead {
  const { codes, scale } = quantizeWeights(head.weights);
  return { ...head, weights: dequantizeWeights(codes, scale) };
}

/** A deterministic fold per near-duplicate group, so copies of one tweet never sit on both sides of a fold. */
export function foldOf(text: string, folds: number): number {
  return mix32(fnv1a(nearDuplicateKey(text), 0x9747b28c)) % folds;
}

// ---------------------------------------------------------------------------------------------- sentiment

export interface SentimentData {
  train: SemevalTweet[];
  dev: SemevalTweet[];
  counts: Record<string, number>;
}

/** SemEval deduplicated; 2013–2016 train/dev/devtest files train, twitter-2016test is the temporal dev split. */
export function loadSentimentData(datasetsDir: string): SentimentData {
  const { tweets, report } = dedupeSemeval(readSemevalFiles(datasetsDir));
  const train = tweets.filter((t) => t.file !== SEMEVAL_DEV_FILE);
  const dev = tweets.filter((t) => t.file === SEMEVAL_DEV_FILE);
  const byClass = (set: SemevalTweet[], label: string): number => set.filter((t) => t.label === label).length;
  return {
    train,
    dev,
    counts: {
      raw: report.raw,
      duplicateIds: report.duplicateIds,
      duplicateTexts: report.duplicateTexts,
      conflictingTexts: report.conflictingTexts,
      kept: report.kept,
      train: train.length,
      dev: dev.length,
      ...Object.fromEntries(SENTIMENT_CLASSES.map((c) => [`train_${c}`, byClass(train, c)])),
      ...Object.fromEntries(SENTIMENT_CLASSES.map((c) => [`dev_${c}`, byClass(dev, c)])),
    },
  };
}

const sentimentIndex = (t: SemevalTweet): number => SENTIMENT_CLASSES.indexOf(t.label);

export interface SentimentDevRun {
  head: LinearHead;
  bestEpoch: number;
  devLogits: Float64Array;
  devSet: FeaturizedSet;
  trainSet: FeaturizedSet;
  history: { epoch: number; score: number }[];
}

/** Trains on the temporal train split with early stopping on twitter-2016test's macro recall. */
export function sentimentDevRun(data: SentimentData, settings: TrainingSettings): SentimentDevRun {
  const trainSet = featurize(data.train.map((t) => t.text), data.train.map(sentimentIndex), settings.features);
  const devSet = featurize(data.dev.map((t) => t.text), data.dev.map(sentimentIndex), settings.features);
  const s = settings.sentiment;
  const result = trainSoftmax(trainSet, SENTIMENT_CLASSES, { ...s, epochs: s.maxEpochs }, (head) => {
    const predicted = argmaxRows(setLogits(head, devSet), SENTIMENT_CLASSES.length);
    return classificationReport(devSet.labels, predicted, SENTIMENT_CLASSES.length).macroRecall;
  });
  return { head: result.head, bestEpoch: result.bestEpoch, devLogits: setLogits(result.head, devSet), devSet, trainSet, history: result.history };
}

function sentimentCrossValidation(all: FeaturizedSet, texts: readonly string[], settings: TrainingSettings, epochs: number, log: (m: string) => void): {
  pooled: Figures;
  foldMacroRecall: number[];
} {
  const K = SENTIMENT_CLASSES.length;
  const folds = settings.folds;
  const foldIds = texts.map((t) => foldOf(t, folds));
  const predicted = new Int32Array(all.size);
  const foldMacroRecall: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    foldIds.forEach((f, i) => (f === fold ? testIdx : trainIdx).push(i));
    const { head } = trainSoftmax(subsetOf(all, trainIdx), SENTIMENT_CLASSES, { ...settings.sentiment, epochs });
    const test = subsetOf(all, testIdx);
    const p = argmaxRows(setLogits(head, test), K);
    testIdx.forEach((i, j) => (predicted[i] = p[j]));
    const report = classificationReport(test.labels, p, K);
    foldMacroRecall.push(r4(report.macroRecall));
    log(`sentiment CV fold ${fold + 1}/${folds}: macro recall ${report.macroRecall.toFixed(4)} (${testIdx.length} tweets)`);
  }
  return { pooled: evaluate(all.labels, predicted, SENTIMENT_CLASSES, true), foldMacroRecall };
}

// ---------------------------------------------------------------------------------------------- actionability

const actionabilityIndex = (e: ActionabilityExample): number => ACTIONABILITY_CLASSES.indexOf(e.label);

function exampleWeight(e: ActionabilityExample, settings: TrainingSettings): number {
  if (e.origin !== 'proxy') return 1;
  return e.source === 'tweet-acts' ? settings.actionability.tweetActsProxyWeight : settings.actionability.proxyWeight;
}

export interface ActionabilitySplit {
  train: ActionabilityExample[];
  dev: ActionabilityExample[];
  counts: Record<string, number>;
}

/** Hand labels keep their own split; proxies only train; dev is hand-labelled only. */
export function loadActionabilitySplit(datasetsDir: string, labelsDir: string): ActionabilitySplit {
  const data = loadActionabilityData(datasetsDir, labelsDir);
  const train = data.examples.filter((e) => e.split === 'train');
  const dev = data.examples.filter((e) => e.split === 'dev');
  return { train, dev, counts: data.counts };
}

export interface ActionabilityDevRun {
  head: LinearHead;
  bestEpoch: number;
  devLogits: Float64Array;
  devSet: FeaturizedSet;
}

export function actionabilityDevRun(split: ActionabilitySplit, settings: TrainingSettings): ActionabilityDevRun {
  const trainable = split.train.filter((e) => exampleWeight(e, settings) > 0);
  const trainSet = featurize(
    trainable.map((e) => e.text),
    trainable.map(actionabilityIndex),
    settings.features,
    trainable.map((e) => exampleWeight(e, settings)),
  );
  const devSet = featurize(split.dev.map((e) => e.text), split.dev.map(actionabilityIndex), settings.features);
  const a = settings.actionability;
  const result = trainSoftmax(trainSet, ACTIONABILITY_CLASSES, { ...a, epochs: a.maxEpochs }, (head) => {
    const predicted = argmaxRows(setLogits(head, devSet), ACTIONABILITY_CLASSES.length);
    return classificationReport(devSet.labels, predicted, ACTIONABILITY_CLASSES.length).macroF1;
  });
  return { head: result.head, bestEpoch: result.bestEpoch, devLogits: setLogits(result.head, devSet), devSet };
}

function actionabilityCrossValidation(split: ActionabilitySplit, settings: TrainingSettings, epochs: number, log: (m: string) => void): {
  pooled: Figures;
  foldMacroF1: number[];
} {
  // Folds over the hand labels (train and dev together); proxies always train.
  const labelled = [...split.train, ...split.dev].filter((e) => e.origin !== 'proxy');
  const proxies = split.train.filter((e) => e.origin === 'proxy' && exampleWeight(e, settings) > 0);
  const labelledSet = featurize(labelled.map((e) => e.text), labelled.map(actionabilityIndex), settings.features);
  const proxySet = featurize(
    proxies.map((e) => e.text),
    proxies.map(actionabilityIndex),
    settings.features,
    proxies.map((e) => exampleWeight(e, settings)),
  );
  const folds = settings.folds;
  const foldIds = labelled.map((e) => foldOf(e.text, folds));
  const predicted = new Int32Array(labelled.length);
  const foldMacroF1: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    foldIds.forEach((f, i) => (f === fold ? testIdx : trainIdx).push(i));
    const trainSet = concatSets(subsetOf(labelledSet, trainIdx), proxySet);
    const { head } = trainSoftmax(trainSet, ACTIONABILITY_CLASSES, { ...settings.actionability, epochs });
    const test = subsetOf(labelledSet, testIdx);
    const p = argmaxRows(setLogits(head, test), 2);
    testIdx.forEach((i, j) => (predicted[i] = p[j]));
    const report = classificationReport(test.labels, p, 2);
    foldMacroF1.push(r4(report.macroF1));
    log(`actionability CV fold ${fold + 1}/${folds}: macro F1 ${report.macroF1.toFixed(4)} (${testIdx.length} texts)`);
  }
  return { pooled: evaluate(labelledSet.labels, predicted, ACTIONABILITY_CLASSES, false), foldMacroF1 };
}

function lexiconPredictions(texts: readonly string[], pick: (c: Classification) => string, classes: readonly string[]): Int32Array {
  const lexicon = new LexiconClassifier();
  return Int32Array.from(texts, (t) => classes.indexOf(pick(lexicon.classify(t))));
}

// ---------------------------------------------------------------------------------------------- the pipeline

/**
 * The whole reproducible training run: select the epoch count on the dev splits, calibrate there, estimate
 * quality (dev + grouped cross-validation), then retrain each head on all its data with the same settings.
 */
export function trainClassifier(options: TrainingOptions): { model: LinearModel; report: TrainingReport } {
  const { settings, log } = options;
  const name = `perch-linear@${settings.version}`;

  const corrections = options.correctionsFile ? readCorrections(options.correctionsFile) : undefined;
  if (corrections) {
    log(`agent corrections: ${corrections.sentiment.length} sentiment, ${corrections.actionability.length} actionability, ${corrections.skipped} skipped`);
  }

  // Sentiment.
  const sentimentData = loadSentimentData(options.datasetsDir);
  if (corrections) {
    sentimentData.train.push(...corrections.sentiment);
    sentimentData.counts['train_corrections'] = corrections.sentiment.length;
  }
  log(`sentiment data: ${JSON.stringify(sentimentData.counts)}`);
  const sDev = sentimentDevRun(sentimentData, settings);
  log(`sentiment dev macro recall by epoch: ${sDev.history.map((h) => h.score.toFixed(4)).join(' ')}; best epoch ${sDev.bestEpoch}`);
  const K = SENTIMENT_CLASSES.length;
  const sTemperature = fitTemperature(sDev.devLogits, sDev.devSet.labels, K);
  const sThreshold = 1 - settings.sentiment.abstainCost;
  const sProbabilities = calibratedProbabilities(sDev.devLogits, K, sTemperature);
  const sentimentDev = {
    model: evaluate(sDev.devSet.labels, argmaxRows(sDev.devLogits, K), SENTIMENT_CLASSES, true),
    modelWithUndeclared: evaluate(sDev.devSet.labels, predictWithAbstention(sProbabilities, K, sThreshold), SENTIMENT_CLASSES, true),
    quantized: evaluate(sDev.devSet.labels, argmaxRows(setLogits(quantizedCopy(sDev.head), sDev.devSet), K), SENTIMENT_CLASSES, true),
    lexicon: evaluate(sDev.devSet.labels, lexiconPredictions(sentimentData.dev.map((t) => t.text), (c) => c.sentiment, SENTIMENT_CLASSES), SENTIMENT_CLASSES, true),
    calibrationError: r4(expectedCalibrationError(sProbabilities, sDev.devSet.labels, K)),
  };
  log(`sentiment dev (twitter-2016test): ${JSON.stringify({ ...sentimentDev.model, confusion: undefined })}`);
  log(`sentiment dev, lexicon baseline: ${JSON.stringify({ ...sentimentDev.lexicon, confusion: undefined })}`);

  const allTweets = [...sentimentData.train, ...sentimentData.dev];
  const allSentiment = concatSets(sDev.trainSet, sDev.devSet);
  const sentimentCv = options.crossValidate
    ? sentimentCrossValidation(allSentiment, allTweets.map((t) => t.text), settings, sDev.bestEpoch, log)
    : undefined;
  if (sentimentCv) log(`sentiment ${settings.folds}-fold grouped CV: ${JSON.stringify({ ...sentimentCv.pooled, confusion: undefined })}`);
  const sentimentFinal = trainSoftmax(allSentiment, SENTIMENT_CLASSES, { ...settings.sentiment, epochs: sDev.bestEpoch }).head;

  // Actionability.
  const split = loadActionabilitySplit(options.datasetsDir, options.labelsDir);
  if (corrections) split.train.push(...corrections.actionability);
  const aCounts = {
    ...split.counts,
    train: split.train.length,
    dev: split.dev.length,
    dev_actionable: split.dev.filter((e) => e.label === 'actionable').length,
  };
  log(`actionability data: ${JSON.stringify(aCounts)}`);
  const aDev = actionabilityDevRun(split, settings);
  const A = ACTIONABILITY_CLASSES.length;
  const aTemperature = fitTemperature(aDev.devLogits, aDev.devSet.labels, A);
  const aThreshold = 1 - settings.actionability.abstainCost;
  const aProbabilities = calibratedProbabilities(aDev.devLogits, A, aTemperature);
  const aPredicted = argmaxRows(aDev.devLogits, A);
  const devTexts = split.dev.map((e) => e.text);
  const rulePredicted = Int32Array.from(devTexts, (t) => (questionOrComplaintRule(t) ? 1 : 0));
  const lexiconPredicted = lexiconPredictions(devTexts, (c) => c.actionability, ACTIONABILITY_CLASSES);
  const bySource: TrainingReport['actionability']['dev']['bySource'] = {};
  for (const source of [...new Set(split.dev.map((e) => e.source))].sort()) {
    const idx = split.dev.flatMap((e, i) => (e.source === source ? [i] : []));
    const gold = idx.map((i) => aDev.devSet.labels[i]);
    bySource[source] = {
      model: evaluate(gold, idx.map((i) => aPredicted[i]), ACTIONABILITY_CLASSES, false),
      rule: evaluate(gold, idx.map((i) => rulePredicted[i]), ACTIONABILITY_CLASSES, false),
      lexicon: evaluate(gold, idx.map((i) => lexiconPredicted[i]), ACTIONABILITY_CLASSES, false),
    };
  }
  const actionabilityDev = {
    model: evaluate(aDev.devSet.labels, aPredicted, ACTIONABILITY_CLASSES, false),
    modelWithUndeclared: evaluate(aDev.devSet.labels, predictWithAbstention(aProbabilities, A, aThreshold), ACTIONABILITY_CLASSES, false),
    quantized: evaluate(aDev.devSet.labels, argmaxRows(setLogits(quantizedCopy(aDev.head), aDev.devSet), A), ACTIONABILITY_CLASSES, false),
    rule: evaluate(aDev.devSet.labels, rulePredicted, ACTIONABILITY_CLASSES, false),
    lexicon: evaluate(aDev.devSet.labels, lexiconPredicted, ACTIONABILITY_CLASSES, false),
    bySource,
    calibrationError: r4(expectedCalibrationError(aProbabilities, aDev.devSet.labels, A)),
  };
  log(`actionability dev: best epoch ${aDev.bestEpoch}; model macro F1 ${actionabilityDev.model.macroF1}, rule ${actionabilityDev.rule.macroF1}, lexicon ${actionabilityDev.lexicon.macroF1}`);
  const actionabilityCv = options.crossValidate ? actionabilityCrossValidation(split, settings, aDev.bestEpoch, log) : undefined;
  if (actionabilityCv) log(`actionability ${settings.folds}-fold grouped CV on the hand labels: ${JSON.stringify({ ...actionabilityCv.pooled, confusion: undefined })}`);

  // Final actionability head: every hand label (train and dev) plus the proxies.
  const finalExamples = [...split.train, ...split.dev].filter((e) => exampleWeight(e, settings) > 0);
  const finalSet = featurize(
    finalExamples.map((e) => e.text),
    finalExamples.map(actionabilityIndex),
    settings.features,
    finalExamples.map((e) => exampleWeight(e, settings)),
  );
  const actionabilityFinal = trainSoftmax(finalSet, ACTIONABILITY_CLASSES, { ...settings.actionability, epochs: aDev.bestEpoch }).head;

  const report: TrainingReport = {
    model: name,
    settings,
    sentiment: {
      data: sentimentData.counts,
      bestEpoch: sDev.bestEpoch,
      temperature: r4(sTemperature),
      threshold: r4(sThreshold),
      dev: sentimentDev,
      ...(sentimentCv ? { crossValidation: sentimentCv } : {}),
    },
    actionability: {
      data: aCounts,
      bestEpoch: aDev.bestEpoch,
      temperature: r4(aTemperature),
      threshold: r4(aThreshold),
      dev: actionabilityDev,
      ...(actionabilityCv ? { crossValidation: actionabilityCv } : {}),
    },
  };
  const model: LinearModel = {
    name,
    features: settings.features,
    sentiment: { ...sentimentFinal, temperature: sTemperature, threshold: sThreshold },
    actionability: { ...actionabilityFinal, temperature: aTemperature, threshold: aThreshold },
    metadata: {
      trainedOn: 'SemEval-2017 task 4A 2013-2016 (deduplicated); complaints (Preotiuc-Pietro 2019) and tweet-acts (Saha 2019) with Perch hand labels',
      sentimentDevMacroRecall: sentimentDev.model.macroRecall,
      sentimentCvMacroRecall: sentimentCv?.pooled.macroRecall,
      actionabilityDevMacroF1: actionabilityDev.model.macroF1,
      actionabilityCvMacroF1: actionabilityCv?.pooled.macroF1,
    },
  };
  return { model, report };
}
