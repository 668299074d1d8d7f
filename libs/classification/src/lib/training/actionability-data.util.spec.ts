import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  COMPLAINTS_FILE,
  HAND_LABELS_FILE,
  labelSplitOf,
  loadActionabilityData,
  parseCsvLine,
  TWEET_ACTS_FILE,
  WRITTEN_LABELS_FILE,
} from './actionability-data.util';

describe('parseCsvLine', () => {
  it('splits fields and honours doubled quotes inside quoted fields', () => {
    expect(parseCsvLine('1,"He said ""hi"", then left",0,food')).toEqual(['1', 'He said "hi", then left', '0', 'food']);
    expect(parseCsvLine('plain,text')).toEqual(['plain', 'text']);
  });
});

describe('labelSplitOf', () => {
  it('reproduces the split the labelers recorded for every hand-written example', () => {
    const file = path.resolve(__dirname, '../../../training/labels/perch-written.tsv');
    const rows = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('\t'));
    expect(rows.length).toBeGreaterThan(100);
    for (const [, split, text] of rows) expect(labelSplitOf(text)).toBe(split);
  });

  it('puts retweets and re-posts with another link in the same split', () => {
    const text = 'my order never arrived http://t.co/abc';
    expect(labelSplitOf(`RT @someone: ${text}`)).toBe(labelSplitOf(text.replace('abc', 'xyz')));
  });
});

describe('loadActionabilityData', () => {
  /** A text the split rule puts in `want`, from a few candidates. */
  function textIn(want: 'train' | 'dev', stem: string): string {
    for (let i = 0; i < 200; i += 1) {
      const text = `${stem} number ${i} please`;
      if (labelSplitOf(text) === want) return text;
    }
    throw new Error(`no ${want} text for ${stem}`);
  }

  function fixture(withLabels: boolean): { datasets: string; labels: string; devText: string } {
    const root = mkdtempSync(path.join(tmpdir(), 'perch-actionability-'));
    const datasets = path.join(root, 'datasets');
    const labels = path.join(root, 'labels');
    for (const file of [COMPLAINTS_FILE, TWEET_ACTS_FILE]) mkdirSync(path.dirname(path.join(datasets, file)), { recursive: true });
    mkdirSync(labels);
    const devText = textIn('dev', '@acme my parcel never came and the tracking page has said out for delivery since Monday');
    const trainProxy = textIn('train', '@acme the charger broke after a week');
    // Row 2 is a retweet of the dev text cut short, as X truncates them: the near-duplicate key catches it.
    const retweet = `RT @someone: ${devText.slice(0, -12)}…`;
    writeFileSync(
      path.join(datasets, COMPLAINTS_FILE),
      [`1,${devText},1,retail`, `2,${retweet},1,retail`, `3,${trainProxy},1,retail`].join('\n') + '\n',
    );
    writeFileSync(path.join(datasets, TWEET_ACTS_FILE), '');
    if (withLabels) {
      writeFileSync(path.join(labels, HAND_LABELS_FILE), 'source\tid\tlabel\tsplit\tnote\ncomplaints\t1\tactionable\tdev\tcomplaint\n');
      writeFileSync(path.join(labels, WRITTEN_LABELS_FILE), 'label\tsplit\ttext\n');
    }
    return { datasets, labels, devText };
  }

  it('keeps proxies out of dev and drops a proxy that is a near-copy of a dev text', () => {
    const { datasets, labels, devText } = fixture(true);
    const data = loadActionabilityData(datasets, labels);
    expect(data.examples.filter((e) => e.split === 'dev').map((e) => [e.text, e.origin])).toEqual([[devText, 'hand']]);
    const proxies = data.examples.filter((e) => e.origin === 'proxy');
    expect(proxies.map((e) => e.split)).toEqual(['train']);
    expect(proxies.some((e) => e.text.includes('parcel never came'))).toBe(false);
    expect((data.counts['proxy/dropped-near-dev'] ?? 0) + (data.counts['proxy/dropped-dev-region'] ?? 0)).toBe(1);
  });

  it('stops when a label file is missing instead of training on proxies alone', () => {
    const { datasets, labels } = fixture(false);
    expect(() => loadActionabilityData(datasets, labels)).toThrow(/missing label file/);
  });
});
