import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { emptyGcTally, gcPerTweet, readGcTally, startGcTally } from './gc-tally.util';

describe('gc tally of a bench app', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'perch-gc-tally-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the collections of the process it runs in and writes them where the bench reads them', async () => {
    const stop = startGcTally(dir);
    try {
      const before = readGcTally(dir, process.pid);
      expect(before).toBeDefined();
      // Short-lived garbage for many young-generation collections.
      let kept = 0;
      for (let i = 0; i < 3_000_000; i += 1) kept += [i, String(i)].length;
      expect(kept).toBe(6_000_000);
      await delay(800);
      const after = readGcTally(dir, process.pid);
      expect(after?.count.minor).toBeGreaterThan(before?.count.minor ?? Number.POSITIVE_INFINITY);
      expect(after?.ms.minor).toBeGreaterThan(before?.ms.minor ?? Number.POSITIVE_INFINITY);
      expect(gcPerTweet(before, after, 1_000)?.scavengesPer1000).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it('keeps running when its directory is gone, and writes nothing once stopped', async () => {
    const gone = join(dir, 'removed');
    const stop = startGcTally(gone);
    await delay(600);
    stop();
    expect(readGcTally(gone, process.pid)).toBeUndefined();
    const stopped = startGcTally(dir);
    stopped();
    rmSync(join(dir, `${process.pid}.json`));
    await delay(600);
    expect(readGcTally(dir, process.pid)).toBeUndefined();
  });

  it('reads nothing for a process without a tally or with a damaged one', () => {
    expect(readGcTally(dir, 123)).toBeUndefined();
    writeFileSync(join(dir, '124.json'), '{"count":{"minor":1}');
    expect(readGcTally(dir, 124)).toBeUndefined();
    writeFileSync(join(dir, '125.json'), JSON.stringify({ count: { minor: 1, major: 0, incremental: 0 }, ms: { minor: 1, major: 0, incremental: 0, weakcb: 0 } }));
    expect(readGcTally(dir, 125)).toBeUndefined();
  });

  it('reports a phase per 1,000 tweets and pause ms per tweet, from the difference of two tallies', () => {
    const before = emptyGcTally();
    before.count.minor = 10;
    before.count.major = 2;
    before.ms.minor = 20;
    before.ms.major = 30;
    const after = { count: { ...before.count, minor: 260, major: 7, incremental: 4 }, ms: { ...before.ms, minor: 270, major: 80, incremental: 50 } };
    expect(gcPerTweet(before, after, 500)).toEqual({ scavengesPer1000: 500, markCompactsPer1000: 10, pauseMs: 0.7 });
  });

  it('reports nothing without both tallies or without a handled tweet', () => {
    expect(gcPerTweet(undefined, emptyGcTally(), 10)).toBeUndefined();
    expect(gcPerTweet(emptyGcTally(), undefined, 10)).toBeUndefined();
    expect(gcPerTweet(emptyGcTally(), emptyGcTally(), 0)).toBeUndefined();
  });
});
