import { readFileSync } from 'node:fs';
import path from 'node:path';

import { labelSplitOf, parseCsvLine } from './actionability-data.util';

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
