import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { SENTIMENT_CLASSES } from '../model/linear-model.types';
import { normalisedTextKey } from './text-key.util';

export type SentimentLabel = (typeof SENTIMENT_CLASSES)[number];

export interface SemevalTweet {
  id: string;
  label: SentimentLabel;
  text: string;
  /** The file it came from, e.g. "twitter-2016test-A". */
  file: string;
}

export const SEMEVAL_FOLDER = 'semeval2017-task4a-train';
/** The temporal dev split: SemEval-2016's test set, the newest and largest file. */
export const SEMEVAL_DEV_FILE = 'twitter-2016test-A';

const RECORD = /^(\d+)\t(positive|negative|neutral)\t/;

/**
 * Reads every twitter-*-A.txt file. Records are "id TAB label TAB text [TAB]"; some texts are CSV-quoted
 * (doubled quotes, occasionally a line break inside), so a line that does not start a record continues the last.
 */
export function readSemevalFiles(datasetsDir: string): SemevalTweet[] {
  const dir = path.join(datasetsDir, SEMEVAL_FOLDER);
  const files = readdirSync(dir)
    .filter((f) => /^twitter-.*-A\.txt$/.test(f))
    .sort();
  const out: SemevalTweet[] = [];
  for (const name of files) {
    const file = name.replace(/\.txt$/, '');
    let last: SemevalTweet | undefined;
    for (const line of readFileSync(path.join(dir, name), 'utf8').split(/\r?\n/)) {
      const match = RECORD.exec(line);
      if (match) {
        last = { id: match[1], label: match[2] as SentimentLabel, text: line.slice(match[0].length), file };
        out.push(last);
      } else if (last && line.trim() !== '') {
        last.text += ` ${line}`;
      }
    }
  }
  return out.map((t) => ({ ...t, text: unquote(t.text) }));
}

function unquote(raw: string): string {
  let text = raw.replace(/\t+$/, '').split('\t')[0].trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  // Quotes arrive escaped twice over: a backslash and four quotes for one quote in the 2013 files, two in 2016's.
  return text.replace(/\\"+/g, '"').replace(/""/g, '"');
}

export interface DedupeReport {
  raw: number;
  duplicateIds: number;
  duplicateTexts: number;
  conflictingTexts: number;
  kept: number;
}

/**
 * Deduplicates as SOURCE.md says: first by tweet id, then by normalised text. A text whose copies disagree on
 * the label is dropped entirely (no one knows which is right). Among copies, the one in the earliest-sorted
 * file that is not the dev file wins, so the dev split keeps only texts that training has never seen.
 */
export function dedupeSemeval(tweets: readonly SemevalTweet[]): { tweets: SemevalTweet[]; report: DedupeReport } {
  const rank = (t: SemevalTweet): number => (t.file === SEMEVAL_DEV_FILE ? 1 : 0);
  const ordered = [...tweets].sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const byId = new Map<string, SemevalTweet>();
  const idLabels = new Map<string, Set<SentimentLabel>>();
  for (const t of ordered) {
    if (!byId.has(t.id)) byId.set(t.id, t);
    const labels = idLabels.get(t.id) ?? new Set<SentimentLabel>();
    labels.add(t.label);
    idLabels.set(t.id, labels);
  }
  const byText = new Map<string, SemevalTweet>();
  const textLabels = new Map<string, Set<SentimentLabel>>();
  for (const t of byId.values()) {
    const key = normalisedTextKey(t.text);
    const labels = textLabels.get(key) ?? new Set<SentimentLabel>();
    for (const l of idLabels.get(t.id) ?? []) labels.add(l);
    textLabels.set(key, labels);
    if (!byText.has(key)) byText.set(key, t);
  }
  const kept: SemevalTweet[] = [];
  let conflicting = 0;
  for (const [key, t] of byText) {
    if ((textLabels.get(key)?.size ?? 0) > 1 || key === '') {
      conflicting++;
      continue;
    }
    kept.push(t);
  }
  return {
    tweets: kept,
    report: {
      raw: tweets.length,
      duplicateIds: tweets.length - byId.size,
      duplicateTexts: byId.size - byText.size,
      conflictingTexts: conflicting,
      kept: kept.length,
    },
  };
}
