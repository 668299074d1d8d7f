import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The committed weights, relative to libs/classification/ (and to dist/libs/classification/ after a build). */
export const MODEL_FILE = path.join('model', 'perch-linear.bin');
/** The training report committed beside the weights: settings and measured figures, no texts. */
export const MODEL_REPORT_FILE = path.join('model', 'perch-linear.report.json');

/** The repository root: the nearest folder upwards whose package.json is Perch's. */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'perch') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no Perch package.json above ${start}`);
    dir = parent;
  }
}

/**
 * Where the weights are: beside the library (source: libs/classification/src/lib/model → libs/classification/model;
 * compiled: dist/libs/classification/src/lib/model → dist/libs/classification/model, copied there by `npm run build`),
 * else in the source tree under the repository root.
 */
export function defaultModelPath(): string {
  const besideLibrary = path.resolve(__dirname, '..', '..', '..', MODEL_FILE);
  if (existsSync(besideLibrary)) return besideLibrary;
  return path.join(findRepoRoot(), 'libs', 'classification', MODEL_FILE);
}
