// Loaded into every app by bench:e2e (node --require): counts the app's garbage collections by kind, with the main
// thread's pauses for them, and writes the tally to <gc-tally dir>/<pid>.json twice a second; the bench reads it at the
// edges of the handled phase (ADR 49). prom-client's gc metric observes only the first entry of each batch the
// observer gets, so it undercounts under load. Bench-only: production entry points never load this file.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';

import { emptyGcTally, GC_TALLY_DIR_VARIABLE, type GcKind, type GcTally } from './gc-tally.util';

const KINDS: Partial<Record<number, GcKind>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const directory = process.env[GC_TALLY_DIR_VARIABLE];
if (directory !== undefined && directory !== '') {
  const tally: GcTally = emptyGcTally();
  const file = join(directory, `${process.pid}.json`);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // Node 16+ puts the kind in `detail`; this @types/node does not declare it.
      const kind = KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind === undefined) continue;
      tally.count[kind] += 1;
      tally.ms[kind] += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const write = (): void => {
    // Written aside and renamed: the bench never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(tally));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 500).unref();
  write();
}
