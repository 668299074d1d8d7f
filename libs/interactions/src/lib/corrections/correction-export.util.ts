import {
  type Actionability,
  type DeclaredActionability,
  type DeclaredSentiment,
  type Sentiment,
} from '@perch/contracts';

import { type CorrectionRecord, type CorrectionStore } from './correction-store.port';

/**
 * One line of the corrections export. `sentiment` and `actionability` are the agent's labels; a label the
 * agent did not correct is absent (unknown), not the model's.
 */
export interface CorrectionTrainingExample {
  text: string;
  sentiment?: DeclaredSentiment;
  actionability?: DeclaredActionability;
  originalSentiment: Sentiment;
  originalActionability: Actionability;
  model: string;
  correctedAt: number;
}

export function trainingExampleOf(record: CorrectionRecord): CorrectionTrainingExample {
  return {
    text: record.text,
    ...(record.corrected.sentiment === undefined ? {} : { sentiment: record.corrected.sentiment }),
    ...(record.corrected.actionability === undefined ? {} : { actionability: record.corrected.actionability }),
    originalSentiment: record.original.sentiment,
    originalActionability: record.original.actionability,
    model: record.original.model,
    correctedAt: record.correctedAt,
  };
}

export interface ExportCorrectionsOptions {
  /** Corrections read per query. Default 500. */
  pageSize?: number;
}

/**
 * Every kept correction as JSON lines (one CorrectionTrainingExample and a newline each), oldest first.
 * Reads page by page (keyset on correctedAt, correctionId), so memory stays flat whatever the table size
 * and corrections recorded during the export are included if they sort after the current page.
 */
export async function* exportCorrectionsAsJsonLines(
  store: CorrectionStore,
  options: ExportCorrectionsOptions = {},
): AsyncGenerator<string, void, undefined> {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  let page = await store.list({ limit: pageSize });
  while (page.length > 0) {
    for (const record of page) yield `${JSON.stringify(trainingExampleOf(record))}\n`;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) return;
    page = await store.list({ after: { correctedAt: last.correctedAt, correctionId: last.correctionId }, limit: pageSize });
  }
}
