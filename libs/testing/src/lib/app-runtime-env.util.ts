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
