// npm run train:classifier [-- --select [--only=<name part>,...]] [-- --no-cv] [-- --corrections=<file.jsonl>]
// Trains Perch's classifier from /work/shared/datasets (PERCH_DATASETS overrides) and the hand labels in
// libs/classification/training/labels, and writes libs/classification/model/perch-linear.bin plus its report.
// --select compares the committed settings with one-change variations on the dev splits (prints a table only);
// --only keeps the committed settings and the variations whose name contains one of the given parts.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
  compareSettings,
  encodeModel,
  findRepoRoot,
  MODEL_FILE,
  MODEL_REPORT_FILE,
  SELECTED_TRAINING_SETTINGS,
  SELECTION_CANDIDATES,
  trainClassifier,
} from '@perch/classification';

function log(message: string): void {
  process.stdout.write(`[train:classifier] ${message}\n`);
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  const root = findRepoRoot(__dirname);
  const datasetsDir = process.env['PERCH_DATASETS'] || path.resolve(root, '../shared/datasets');
  const labelsDir = path.join(root, 'libs', 'classification', 'training', 'labels');
  const started = Date.now();
  if (!existsSync(datasetsDir)) {
    process.stderr.write(`[train:classifier] no datasets at ${datasetsDir}: set PERCH_DATASETS to the folder that holds semeval2017-task4a-train\n`);
    process.exitCode = 1;
    return;
  }
  log(`datasets: ${datasetsDir}; labels: ${labelsDir}`);

  if (args.has('--select')) {
    const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean);
    const candidates = only
      ? SELECTION_CANDIDATES.filter((c, i) => i === 0 || only.some((part) => c.name.includes(part)))
      : SELECTION_CANDIDATES;
    compareSettings(datasetsDir, labelsDir, SELECTED_TRAINING_SETTINGS, candidates, log);
    log(`selection done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }

  // Agents' corrections from `npm run --silent corrections:export`, reviewed, join the training sets.
  const correctionsFile = process.argv.find((a) => a.startsWith('--corrections='))?.slice('--corrections='.length);
  const { model, report } = trainClassifier({
    datasetsDir,
    labelsDir,
    settings: SELECTED_TRAINING_SETTINGS,
    crossValidate: !args.has('--no-cv'),
    ...(correctionsFile ? { correctionsFile: path.resolve(correctionsFile) } : {}),
    log,
  });
  const weights = encodeModel(model);
  const modelPath = path.join(root, 'libs', 'classification', MODEL_FILE);
  const reportPath = path.join(root, 'libs', 'classification', MODEL_REPORT_FILE);
  mkdirSync(path.dirname(modelPath), { recursive: true });
  writeFileSync(modelPath, weights);
  writeFileSync(reportPath, `${JSON.stringify({ ...report, weightsBytes: weights.length }, null, 2)}\n`);
  log(`wrote ${path.relative(root, modelPath)} (${(weights.length / 1024 / 1024).toFixed(2)} MiB) and ${path.relative(root, reportPath)}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
