#!/usr/bin/env node
// Runs a compiled entry point from dist/, building first only when dist is missing or older than the sources.
// For commands whose stdout is their product (`npm run --silent classify`): the build's output goes to stderr,
// and an up-to-date checkout starts in well under a second instead of paying a full build on every call.
// Usage: node tools/dev/run-built.js dist/apps/classifier/src/cli/classify.cli.js [args…]
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '../..');
const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: run-built.js <dist entry> [args…]\n');
  process.exit(2);
}
const target = join(root, entry);

/** The newest modification time under `dir`, skipping what does not go into the build. */
function newest(dir) {
  let latest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    if (item.name === 'node_modules' || item.name.startsWith('.')) continue;
    const path = join(dir, item.name);
    if (item.isDirectory()) latest = Math.max(latest, newest(path));
    else if (/\.(ts|json|bin)$/.test(item.name) && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(item.name)) {
      latest = Math.max(latest, statSync(path).mtimeMs);
    }
  }
  return latest;
}

const sources = Math.max(
  newest(join(root, 'apps')),
  newest(join(root, 'libs')),
  statSync(join(root, 'tsconfig.base.json')).mtimeMs,
  statSync(join(root, 'tsconfig.build.json')).mtimeMs,
);
if (!existsSync(target) || statSync(target).mtimeMs < sources) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
process.argv.splice(1, 2, target);
require(target);
