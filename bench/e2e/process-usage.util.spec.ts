import { PeakMemorySampler, readRss, readRssParts, type UsageSource } from './process-usage.util';

const MB = 1024 * 1024;

describe('process usage from /proc', () => {
  it('splits a running process RSS into anonymous and file-backed pages that add up to about its RSS', () => {
    const parts = readRssParts(process.pid);
    const rss = readRss(process.pid);
    expect(parts).toBeDefined();
    expect(rss).toBeDefined();
    if (!parts || rss === undefined) return;
    // The node binary is mapped from a file, and V8's heap is anonymous: both are there.
    expect(parts.fileBytes).toBeGreaterThan(5 * MB);
    expect(parts.anonBytes).toBeGreaterThan(5 * MB);
    // RssShmem is the third part (usually zero for node): within a few MB of the whole, read a moment apart.
    expect(Math.abs(rss - parts.anonBytes - parts.fileBytes)).toBeLessThan(8 * MB);
  });

  it('reports nothing for a process that is gone', () => {
    expect(readRssParts(2 ** 22 + 12_345)).toBeUndefined();
  });
});

describe('PeakMemorySampler', () => {
  const source = (name: string, readings: { memoryBytes: number; anon?: number }[]): UsageSource => {
    let i = 0;
    return {
      name,
      role: 'stack',
      read: async () => {
        const reading = readings[Math.min(i, readings.length - 1)];
        i += 1;
        if (!reading) return undefined;
        return {
          cpuMs: 0,
          memoryBytes: reading.memoryBytes,
          ...(reading.anon === undefined ? {} : { rssParts: { anonBytes: reading.anon, fileBytes: reading.memoryBytes - reading.anon } }),
        };
      },
    };
  };

  it('keeps the split of the reading that set the peak, not of a later lower one', async () => {
    const app = source('gateway', [
      { memoryBytes: 100, anon: 60 },
      { memoryBytes: 180, anon: 130 },
      { memoryBytes: 150, anon: 90 },
    ]);
    const sampler = new PeakMemorySampler(() => [app]);
    await sampler.sample();
    await sampler.sample();
    await sampler.sample();
    expect(sampler.peaks.get('gateway')).toBe(180);
    expect(sampler.peakParts.get('gateway')).toEqual({ anonBytes: 130, fileBytes: 50 });
  });

  it('has no split for a source that reads none (Redis, PostgreSQL)', async () => {
    const redis = source('redis', [{ memoryBytes: 50 }, { memoryBytes: 70 }]);
    const sampler = new PeakMemorySampler(() => [redis]);
    await sampler.sample();
    await sampler.sample();
    expect(sampler.peaks.get('redis')).toBe(70);
    expect(sampler.peakParts.has('redis')).toBe(false);
  });
});
