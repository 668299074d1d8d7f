import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CORRECTIONS_SOURCE, readCorrections } from './corrections-data.util';

describe('readCorrections', () => {
  it('turns exported corrections into training rows for the labels the agent set, and skips what is unusable', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'perch-corrections-')), 'corrections.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ text: 'oh great, another delay', sentiment: 'negative', originalSentiment: 'positive', model: 'perch-linear@1.1.0' }),
        JSON.stringify({ text: 'any news on my refund', actionability: 'actionable', sentiment: 'neutral' }),
        JSON.stringify({ text: 'no label here' }),
        JSON.stringify({ text: 'undeclared is not a label', sentiment: 'undeclared' }),
        '{not json',
        '',
      ].join('\n'),
    );
    const data = readCorrections(file);
    expect(data.sentiment.map((t) => [t.text, t.label, t.file])).toEqual([
      ['oh great, another delay', 'negative', CORRECTIONS_SOURCE],
      ['any news on my refund', 'neutral', CORRECTIONS_SOURCE],
    ]);
    expect(data.actionability).toEqual([
      { text: 'any news on my refund', label: 'actionable', split: 'train', origin: 'hand', source: CORRECTIONS_SOURCE, note: 'agent correction' },
    ]);
    expect(data.skipped).toBe(3);
  });
});
