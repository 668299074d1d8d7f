import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The apps that run with tools/runtime/app-runtime.env in production (the image's run-app.sh). */
export const RUNTIME_ENV_APPS: ReadonlySet<string> = new Set(['ingestor', 'classifier', 'router', 'gateway']);

/** Where the apps' runtime settings live, from the repository root. */
export const APP_RUNTIME_ENV_FILE = join('tools', 'runtime', 'app-runtime.env');

/**
 * The variables of app-runtime.env (KEY="value" or KEY=value lines, # comments), as run-app.sh exports them, so tests
 * and benchmarks run the apps with the memory settings production has.
 */
export function parseAppRuntimeEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$`\\]*)"|([^\s"'$`\\#]*))$/.exec(line);
    if (!match) throw new Error(`${APP_RUNTIME_ENV_FILE}:${index + 1}: expected KEY="value", got ${line}`);
    env[match[1] as string] = match[2] ?? match[3] ?? '';
  }
  return env;
}

/** app-runtime.env under `root` (the repository, or a directory laid out like it). */
export function readAppRuntimeEnv(root: string = process.cwd()): Record<string, string> {
  return parseAppRuntimeEnv(readFileSync(join(root, APP_RUNTIME_ENV_FILE), 'utf8'));
}

/**
 * The environment run-app.sh gives `app`: the file's variables, with NODE_OPTIONS_<APP> (or the operator's
 * PERCH_NODE_OPTIONS, which replaces it) added to NODE_OPTIONS.
 */
export function appRuntimeEnvFor(app: string, root: string = process.cwd(), operatorOptions: string | undefined = process.env['PERCH_NODE_OPTIONS']): Record<string, string> {
  const settings = readAppRuntimeEnv(root);
  const own = operatorOptions !== undefined && operatorOptions !== '' ? operatorOptions : settings[`NODE_OPTIONS_${app.toUpperCase()}`] ?? '';
  // As in sh: the file's NODE_OPTIONS if it sets one, else the caller's.
  const base = settings['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? '';
  return { ...settings, NODE_OPTIONS: `${base} ${own}` };
}
