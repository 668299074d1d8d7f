import { classificationReport, f1PositiveNegative, argmaxRows } from '../model/evaluation-metrics.util';
import { type FeatureSettings } from '../model/feature-hasher.util';
import { ACTIONABILITY_CLASSES, SENTIMENT_CLASSES } from '../model/linear-model.types';
import {
  actionabilityDevRun,
  type ActionabilitySplit,
  loadActionabilitySplit,
  loadSentimentData,
  sentimentDevRun,
} from './classifier-training.util';
import { type ActionabilityTrainingSettings, type HeadTrainingSettings, type TrainingSettings } from './training-settings.constants';

export interface Candidate {
  name: string;
  features?: Partial<FeatureSettings>;
  sentiment?: Partial<HeadTrainingSettings>;
  actionability?: Partial<ActionabilityTrainingSettings>;
  /** Only the actionability head changes: skip the (slow) sentiment run. */
  actionabilityOnly?: boolean;
}

export interface SelectionRow {
  name: string;
  sentimentMacroRecall?: number;
  sentimentF1PN?: number;
  sentimentAccuracy?: number;
  sentimentBestEpoch?: number;
  actionabilityMacroF1: number;
  actionabilityBestEpoch: number;
  seconds: number;
}

/** The variations `--select` compares against the committed settings, one change at a time. */
export const SELECTION_CANDIDATES: readonly Candidate[] = [
  { name: 'selected settings' },
  { name: 'no character n-grams', features: { charMax: 0 } },
  { name: 'character n-grams weight 0.5', features: { charScale: 0.5 } },
  { name: 'character n-grams weight 0.15', features: { charScale: 0.15 } },
  { name: 'character 3-6-grams', features: { charMin: 3, charMax: 6 } },
  { name: 'word trigrams', features: { wordNgrams: 3 } },
  { name: 'no start/end bigrams', features: { boundaries: false } },
  { name: 'no negation marking', features: { negation: false } },
  { name: 'no dense lexicon features', features: { dense: false } },
  { name: 'no VADER features', features: { vader: 'off' } },
  { name: 'VADER only for tokens AFINN lacks', features: { vader: 'afinn-gaps' } },
  { name: '2^19 buckets (sentiment)', sentiment: { bucketBits: 19 } },
  { name: 'L2 1e-4', sentiment: { l2: 1e-4 }, actionability: { l2: 3e-5 } },
  { name: 'L2 1e-3', sentiment: { l2: 1e-3 }, actionability: { l2: 3e-4 } },
  { name: 'learning rate 0.1', sentiment: { learningRate: 0.1 }, actionability: { learningRate: 0.1 } },
  { name: 'class weights ^0.5', sentiment: { classWeightPower: 0.5 }, actionability: { classWeightPower: 0.5 } },
  { name: 'actionability: no proxies', actionabilityOnly: true, actionability: { proxyWeight: 0, tweetActsProxyWeight: 0 } },
  { name: 'actionability: proxies 0.25 / 0.05', actionabilityOnly: true, actionability: { proxyWeight: 0.25, tweetActsProxyWeight: 0.05 } },
  { name: 'actionability: proxies 1 / 0.1', actionabilityOnly: true, actionability: { proxyWeight: 1, tweetActsProxyWeight: 0.1 } },
  { name: 'actionability: proxies 0.5 / 0.3', actionabilityOnly: true, actionability: { proxyWeight: 0.5, tweetActsProxyWeight: 0.3 } },
  { name: 'actionability: proxies 0.5 / 0', actionabilityOnly: true, actionability: { proxyWeight: 0.5, tweetActsProxyWeight: 0 } },
  { name: 'actionability: 2^20 buckets', actionabilityOnly: true, actionability: { bucketBits: 20 } },
];

export function applyCandidate(base: TrainingSettings, candidate: Candidate): TrainingSettings {
  return {
    ...base,
    features: { ...base.features, ...candidate.features },
    sentiment: { ...base.sentiment, ...candidate.sentiment },
    actionability: { ...base.actionability, ...candidate.actionability },
  };
}

/**
 * Scores each candidate on the dev splits only (temporal twitter-2016test for sentiment, the hand-labelled dev
 * split for actionability). Cross-validation is not used to choose: it is kept as an independent estimate.
 */
export function compareSettings(
  datasetsDir: string,
  labelsDir: string,
  base: TrainingSettings,
  candidates: readonly Candidate[],
  log: (message: string) => void,
): SelectionRow[] {
  const sentimentData = loadSentimentData(datasetsDir);
  const split: ActionabilitySplit = loadActionabilitySplit(datasetsDir, labelsDir);
  const rows: SelectionRow[] = [];
  for (const candidate of candidates) {
    const started = Date.now();
    const settings = applyCandidate(base, candidate);
    const row: SelectionRow = { name: candidate.name, actionabilityMacroF1: 0, actionabilityBestEpoch: 0, seconds: 0 };
    if (!candidate.actionabilityOnly) {
      const s = sentimentDevRun(sentimentData, settings);
      const report = classificationReport(s.devSet.labels, argmaxRows(s.devLogits, 3), SENTIMENT_CLASSES.length);
      row.sentimentMacroRecall = round(report.macroRecall);
      row.sentimentF1PN = round(f1PositiveNegative(report, 0, 2));
      row.sentimentAccuracy = round(report.accuracy);
      row.sentimentBestEpoch = s.bestEpoch;
    }
    const a = actionabilityDevRun(split, settings);
    const aReport = classificationReport(a.devSet.labels, argmaxRows(a.devLogits, 2), ACTIONABILITY_CLASSES.length);
    row.actionabilityMacroF1 = round(aReport.macroF1);
    row.actionabilityBestEpoch = a.bestEpoch;
    row.seconds = Math.round((Date.now() - started) / 100) / 10;
    rows.push(row);
    log(formatSelectionRow(row));
  }
  return rows;
}

export function formatSelectionRow(row: SelectionRow): string {
  const s = row.sentimentMacroRecall === undefined
    ? 'sentiment        (unchanged)          '
    : `sentiment MR ${row.sentimentMacroRecall.toFixed(4)} F1PN ${row.sentimentF1PN?.toFixed(4)} ep ${row.sentimentBestEpoch}`;
  return `${row.name.padEnd(40)} ${s} | actionability F1 ${row.actionabilityMacroF1.toFixed(4)} ep ${row.actionabilityBestEpoch} | ${row.seconds}s`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
