// The garbage collections of bench:e2e's apps (gc-tally-preload.bench.ts writes them; ADR 49): read per process, and the
// difference over a phase reported per handled tweet.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';

import { round } from '../bench-env.util';

export const GC_TALLY_DIR_VARIABLE = 'BENCH_GC_TALLY_DIR';
export const GC_KINDS = ['minor', 'major', 'incremental', 'weakcb'] as const;
export type GcKind = (typeof GC_KINDS)[number];

/** Collections since the process started, by kind, and the main thread's pauses for them (ms of wall time), by kind. */
export interface GcTally {
  count: Record<GcKind, number>;
  ms: Record<GcKind, number>;
}

/** What a phase's collections cost an app, per handled tweet. */
export interface GcPerTweet {
  /** Scavenges (young generation) per 1,000 tweets. */
  scavengesPer1000: number;
  /** Mark-compacts (old generation) per 1,000 tweets: each drops the optimized code no live closure holds (ADR 49). */
  markCompactsPer1000: number;
  /**
   * The main thread's pauses for collections (all kinds), ms of wall time per tweet: on a busy machine a paused thread
   * also waits for a CPU, so this is not CPU time; V8's helper threads' work is not in it.
   */
  pauseMs: number;
}

export function emptyGcTally(): GcTally {
  const zero = (): Record<GcKind, number> => ({ minor: 0, major: 0, incremental: 0, weakcb: 0 });
  return { count: zero(), ms: zero() };
}

const KINDS: Partial<Record<number, GcKind>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Tallies this process' garbage collections from every `gc` performance entry, and writes the tally to
 * <directory>/<pid>.json twice a second; returns what stops it. prom-client's gc metric takes only the first entry of
 * each batch its observer gets, so it undercounts under load. A write that fails is skipped: an instrument never
 * takes its app down.
 */
export function startGcTally(directory: string): () => void {
  const tally = emptyGcTally();
  const file = join(directory, `${process.pid}.json`);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node 16+ puts the kind in `detail`; this @types/node does not declare it.
      const kind = KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind === undefined) continue;
      tally.count[kind] += 1;
      tally.ms[kind] += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const write = (): void => {
    try {
      // Written aside and renamed: the bench never reads half a file.
      writeFileSync(`${file}.tmp`, JSON.stringify(tally));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The next write tries again; the bench reports no figure for an app whose tally it cannot read.
    }
  };
  const timer = setInterval(write, 500).unref();
  write();
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}

/** An app's tally as last written; undefined when there is none (the preload was not loaded, or the file is unreadable). */
export function readGcTally(directory: string, pid: number): GcTally | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(directory, `${pid}.json`), 'utf8')) as Partial<GcTally>;
    const tally = emptyGcTally();
    for (const kind of GC_KINDS) {
      tally.count[kind] = Number(parsed.count?.[kind] ?? Number.NaN);
      tally.ms[kind] = Number(parsed.ms?.[kind] ?? Number.NaN);
      if (!Number.isFinite(tally.count[kind]) || !Number.isFinite(tally.ms[kind])) return undefined;
    }
    return tally;
  } catch {
    return undefined;
  }
}

/** The collections between two tallies of one process, per tweet; undefined when either is missing or no tweet was handled. */
export function gcPerTweet(before: GcTally | undefined, after: GcTally | undefined, tweets: number): GcPerTweet | undefined {
  if (before === undefined || after === undefined || tweets <= 0) return undefined;
  const delta = (kind: GcKind): number => after.count[kind] - before.count[kind];
  let ms = 0;
  for (const kind of GC_KINDS) ms += after.ms[kind] - before.ms[kind];
  return {
    scavengesPer1000: round((delta('minor') * 1000) / tweets, 1),
    markCompactsPer1000: round((delta('major') * 1000) / tweets, 1),
    pauseMs: round(ms / tweets, 3),
  };
}
