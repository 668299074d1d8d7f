import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { nearDuplicateKey } from './text-key.util';

export type ActionabilityLabel = 'actionable' | 'not-actionable';

export const COMPLAINTS_FILE = path.join('complaints-preotiuc2019', 'complaints-data.csv');
export const TWEET_ACTS_FILE = path.join('tweet-acts-saha2019', 'TWEET_DATA.csv');
export const HAND_LABELS_FILE = 'actionability-labels.tsv';
export const WRITTEN_LABELS_FILE = 'perch-written.tsv';

export interface ComplaintRow {
  id: string;
  text: string;
  complaint: boolean;
  domain: string;
}

export interface TweetActRow {
  /** 1-based record (= physical line) number, the id the hand labels use. */
  id: string;
  text: string;
  act: string;
}

/** One example for the actionability head: a hand label (dev or train) or a down-weighted proxy. */
export interface ActionabilityExample {
  text: string;
  label: ActionabilityLabel;
  split: 'train' | 'dev';
  /** Where the label came from: hand labels beat proxies. */
  origin: 'hand' | 'written' | 'proxy';
  /** Data source and stratum, for per-source figures: "complaints/brand", "complaints/random", "tweet-acts", "perch-written". */
  source: string;
  /** Reason code of a hand label ("question", "praise", ...) or the proxy rule. */
  note: string;
}

/** Splits one CSV record (one physical line in both data sets) into fields, honouring "" escapes. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          value += line.slice(j);
          j = line.length;
          break;
        }
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      fields.push(value);
      i = line.indexOf(',', j);
      if (i < 0) break;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        break;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
  return fields;
}

function physicalLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function readComplaints(datasetsDir: string): ComplaintRow[] {
  return physicalLines(path.join(datasetsDir, COMPLAINTS_FILE)).map((line) => {
    // id first, label and domain last; the text in between may itself contain commas.
    const first = line.indexOf(',');
    const last = line.lastIndexOf(',');
    const beforeLast = line.lastIndexOf(',', last - 1);
    const rawText = line.slice(first + 1, beforeLast);
    const text = rawText.startsWith('"') ? parseCsvLine(rawText)[0] : rawText;
    return { id: line.slice(0, first), text, complaint: line.slice(beforeLast + 1, last) === '1', domain: line.slice(last + 1) };
  });
}

export function readTweetActs(datasetsDir: string): TweetActRow[] {
  return physicalLines(path.join(datasetsDir, TWEET_ACTS_FILE)).map((line, index) => {
    const last = line.lastIndexOf(',');
    const rawText = line.slice(0, last);
    const text = rawText.startsWith('"') ? parseCsvLine(rawText)[0] : rawText;
    return { id: String(index + 1), text, act: line.slice(last + 1).trim() };
  });
}

/**
 * The labelers' split rule (docs/classifier.md, "Labels"): dev when the first 8 hex digits of
 * sha256("perch-actionability-v1|" + norm(text)) mod 100 < 30. Applied to proxy rows too, so that no copy of
 * a dev tweet trains the model.
 */
export function labelSplitOf(text: string): 'train' | 'dev' {
  const digest = createHash('sha256').update(`perch-actionability-v1|${labelNorm(text)}`, 'utf8').digest('hex');
  return parseInt(digest.slice(0, 8), 16) % 100 < 30 ? 'dev' : 'train';
}

function labelNorm(text: string): string {
  return text
    .toLowerCase()
    .replace(/^rt @\w+:\s*/, '')
    .replace(/\\u2026|\u2026/g, '')
    .replace(/https?:\/\/\S+/g, 'URL')
    .replace(/\s+/g, ' ')
    .trim();
}

interface HandLabelRow {
  source: string;
  id: string;
  label: string;
  split: string;
  note: string;
}

function readTsv(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = header.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

export interface ActionabilityData {
  examples: ActionabilityExample[];
  counts: Record<string, number>;
}

/**
 * Builds the actionability training and dev data:
 * - hand labels (actionability-labels.tsv, perch-written.tsv), `unsure` excluded, with their own split;
 * - proxies from the rows nobody hand-labelled, where the labelers measured them to be precise: the data set's
 *   complaints (98.7 % actionable) and random tweets (97 % not actionable), and tweet-acts statements,
 *   expressions, threats and others (1 in 144 actionable). Tweet-act questions, requests and suggestions are
 *   left out: only a quarter of them are actionable. Proxies never enter dev; a proxy whose normalised text
 *   falls in the dev half of the split rule, or that is a near-copy of a dev text (a retweet cut short, the
 *   same words with other mentions), is dropped, so no copy of a dev tweet trains the model.
 * The label files are part of the repository: without them training stops rather than fall back to proxies.
 */
export function loadActionabilityData(datasetsDir: string, labelsDir: string): ActionabilityData {
  const complaints = readComplaints(datasetsDir);
  const acts = readTweetActs(datasetsDir);
  const handFile = path.join(labelsDir, HAND_LABELS_FILE);
  const writtenFile = path.join(labelsDir, WRITTEN_LABELS_FILE);
  for (const file of [handFile, writtenFile]) {
    if (!existsSync(file)) throw new Error(`missing label file ${file}: the hand labels are part of the repository`);
  }
  const examples: ActionabilityExample[] = [];
  const labelled = new Set<string>();
  const counts: Record<string, number> = {};
  const count = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const complaintById = new Map(complaints.map((c) => [c.id, c]));
  const actById = new Map(acts.map((a) => [a.id, a]));
  for (const row of readTsv(handFile) as unknown as HandLabelRow[]) {
    labelled.add(`${row.source}:${row.id}`);
    if (row.label !== 'actionable' && row.label !== 'not-actionable') {
      count('hand/unsure');
      continue;
    }
    const split = row.split === 'dev' ? 'dev' : 'train';
    if (row.source === 'complaints') {
      const c = complaintById.get(row.id);
      if (!c) {
        count('hand/missing');
        continue;
      }
      const source = c.domain.startsWith('random') ? 'complaints/random' : 'complaints/brand';
      examples.push({ text: c.text, label: row.label, split, origin: 'hand', source, note: row.note });
    } else if (row.source === 'tweet-acts') {
      const a = actById.get(row.id);
      if (!a) {
        count('hand/missing');
        continue;
      }
      examples.push({ text: a.text, label: row.label, split, origin: 'hand', source: 'tweet-acts', note: row.note });
    }
    count(`hand/${split}`);
  }
  for (const row of readTsv(writtenFile)) {
    if (row['label'] !== 'actionable' && row['label'] !== 'not-actionable') continue;
    const split = row['split'] === 'dev' ? 'dev' : 'train';
    examples.push({ text: row['text'], label: row['label'], split, origin: 'written', source: 'perch-written', note: '' });
    count(`written/${split}`);
  }
  const devKeys = new Set(examples.filter((e) => e.split === 'dev').map((e) => nearDuplicateKey(e.text)));

  for (const c of complaints) {
    if (labelled.has(`complaints:${c.id}`)) continue;
    const random = c.domain.startsWith('random');
    // Unlabelled brand-directed non-complaints would be a guess either way (69 % are actionable): skip them.
    if (!random && !c.complaint) continue;
    pushProxy(examples, count, {
      text: c.text,
      label: c.complaint ? 'actionable' : 'not-actionable',
      source: random ? 'complaints/random' : 'complaints/brand',
      note: c.complaint ? 'proxy:complaint' : 'proxy:random-tweet',
    }, devKeys);
  }
  for (const a of acts) {
    if (labelled.has(`tweet-acts:${a.id}`)) continue;
    const askLike = a.act === 'QUE' || a.act === 'REQ' || a.act === 'SUG';
    if (askLike) continue;
    pushProxy(examples, count, {
      text: a.text,
      label: 'not-actionable',
      source: 'tweet-acts',
      note: `proxy:${a.act}`,
    }, devKeys);
  }
  return { examples, counts };
}

function pushProxy(
  examples: ActionabilityExample[],
  count: (key: string) => void,
  row: { text: string; label: ActionabilityLabel; source: string; note: string },
  devKeys: ReadonlySet<string>,
): void {
  // Proxies only train: never a text in the dev hash region, never a near-copy of a dev text.
  if (labelSplitOf(row.text) === 'dev') {
    count('proxy/dropped-dev-region');
    return;
  }
  if (devKeys.has(nearDuplicateKey(row.text))) {
    count('proxy/dropped-near-dev');
    return;
  }
  examples.push({ ...row, split: 'train', origin: 'proxy' });
  count('proxy/train');
}
