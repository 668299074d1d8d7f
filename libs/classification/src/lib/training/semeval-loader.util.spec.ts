import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { dedupeSemeval, readSemevalFiles, SEMEVAL_FOLDER, type SemevalTweet } from './semeval-loader.util';

function datasets(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'perch-semeval-'));
  mkdirSync(path.join(root, SEMEVAL_FOLDER));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(root, SEMEVAL_FOLDER, name), body);
  return root;
}

describe('readSemevalFiles', () => {
  it('reads plain, CSV-quoted and line-broken records', () => {
    const root = datasets({
      'twitter-2013train-A.txt': '1\tpositive\tGas hit $3.39 :)\n2\tnegative\t"He said \\""""no\\"""" again"\n',
      'twitter-2016test-A.txt': '3\tneutral\t"Excited to read ""Go Set a Watchman"""\t\n4\tneutral\t" @SkyNews: Kanye West! \n"\t\n',
      'README.txt': 'not a data file',
    });
    const tweets = readSemevalFiles(root);
    expect(tweets.map((t) => [t.id, t.label, t.file])).toEqual([
      ['1', 'positive', 'twitter-2013train-A'],
      ['2', 'negative', 'twitter-2013train-A'],
      ['3', 'neutral', 'twitter-2016test-A'],
      ['4', 'neutral', 'twitter-2016test-A'],
    ]);
    expect(tweets[1].text).toBe('He said "no" again');
    expect(tweets[2].text).toBe('Excited to read "Go Set a Watchman"');
    expect(tweets[3].text).toContain('Kanye West!');
  });
});

describe('dedupeSemeval', () => {
  const tweet = (id: string, label: SemevalTweet['label'], text: string, file = 'twitter-2013train-A'): SemevalTweet => ({ id, label, text, file });

  it('drops repeated ids and texts that differ only in case, links, mentions or punctuation', () => {
    const { tweets, report } = dedupeSemeval([
      tweet('1', 'positive', 'Great game tonight!'),
      tweet('1', 'positive', 'Great game tonight!', 'twitter-2014test-A'),
      tweet('2', 'positive', 'great game tonight http://t.co/abc'.replace('http://t.co/abc', '')),
      tweet('3', 'neutral', '@bob Meeting at 5', 'twitter-2016test-A'),
      tweet('4', 'neutral', '@alice meeting at 5.'),
    ]);
    expect(report).toMatchObject({ raw: 5, duplicateIds: 1, duplicateTexts: 2, kept: 2 });
    // The training-side copy wins over the dev file's, so dev keeps only texts training never saw.
    expect(tweets.map((t) => t.id).sort()).toEqual(['1', '4']);
  });

  it('drops a text whose copies disagree on the label', () => {
    const { tweets, report } = dedupeSemeval([tweet('1', 'positive', 'not bad at all'), tweet('2', 'negative', 'Not bad at all!'), tweet('3', 'neutral', 'fine')]);
    expect(tweets.map((t) => t.id)).toEqual(['3']);
    expect(report.conflictingTexts).toBe(1);
  });
});
