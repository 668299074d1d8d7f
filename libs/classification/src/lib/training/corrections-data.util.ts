import { readFileSync } from 'node:fs';

import { ACTIONABILITY_CLASSES, SENTIMENT_CLASSES } from '../model/linear-model.types';
import { type ActionabilityExample } from './actionability-data.util';
import { type SemevalTweet } from './semeval-loader.util';

export interface CorrectionsData {
  sentiment: SemevalTweet[];
  actionability: ActionabilityExample[];
  /** Lines that were not a usable correction (bad JSON, no text, no declared label). */
  skipped: number;
}

export const CORRECTIONS_SOURCE = 'agent-corrections';

/**
 * Agents' corrections as exported by `npm run --silent corrections:export` (one JSON object per line:
 * text, sentiment?, actionability?, originals, model, correctedAt). They join the training sets only, never a
 * dev split, so the figures a retrain reports stay comparable with the previous model's.
 */
export function readCorrections(file: string): CorrectionsData {
  const data: CorrectionsData = { sentiment: [], actionability: [], skipped: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      data.skipped += 1;
      return;
    }
    const record = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
    const text = typeof record['text'] === 'string' ? record['text'] : '';
    const sentiment = SENTIMENT_CLASSES.find((c) => c === record['sentiment']);
    const actionability = ACTIONABILITY_CLASSES.find((c) => c === record['actionability']);
    if (text.trim() === '' || (sentiment === undefined && actionability === undefined)) {
      data.skipped += 1;
      return;
    }
    if (sentiment !== undefined) data.sentiment.push({ id: `correction-${index + 1}`, label: sentiment, text, file: CORRECTIONS_SOURCE });
    if (actionability !== undefined) {
      data.actionability.push({ text, label: actionability, split: 'train', origin: 'hand', source: CORRECTIONS_SOURCE, note: 'agent correction' });
    }
  });
  return data;
}
