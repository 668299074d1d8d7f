import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { APP_RUNTIME_ENV_FILE, parseAppRuntimeEnv, readAppRuntimeEnv, RUNTIME_ENV_APPS } from './app-runtime-env.util';

const ROOT = join(__dirname, '..', '..', '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('the apps\' runtime settings (tools/runtime/app-runtime.env)', () => {
  const settings = readAppRuntimeEnv(ROOT);

  it('fixes glibc\'s mmap threshold, so large freed buffers go back to the system', () => {
    expect(settings['MALLOC_MMAP_THRESHOLD_']).toMatch(/^\d+$/);
  });

  it('reads the same values as sh, which sources the file in run-app.sh', () => {
    const script = `set -a; . "${join(ROOT, APP_RUNTIME_ENV_FILE)}"; set +a; node -e 'process.stdout.write(JSON.stringify(process.env))'`;
    const sourced = JSON.parse(execFileSync('sh', ['-c', script], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' })) as Record<string, string>;
    for (const [key, value] of Object.entries(settings)) expect(sourced[key]).toBe(value);
  });

  it('holds only node flags that node accepts in NODE_OPTIONS', () => {
    const run = spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: settings['NODE_OPTIONS'] ?? '' }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('is what every launcher of the four apps uses: the image, npm start:<app> and the distributed dev script', () => {
    expect(read('Dockerfile')).toMatch(/ingestor\|classifier\|router\|gateway\) exec sh tools\/runtime\/run-app\.sh/);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const app of RUNTIME_ENV_APPS) expect(scripts[`start:${app}`]).toBe(`sh tools/runtime/run-app.sh ${app}`);
    expect(read('tools/dev/start-distributed.sh')).toMatch(/sh tools\/runtime\/run-app\.sh "\$name"/);
  });

  it('refuses a line sh would read differently from the fixture', () => {
    expect(() => parseAppRuntimeEnv('NODE_OPTIONS=--a --b')).toThrow(/expected KEY="value"/);
    expect(() => parseAppRuntimeEnv('A="$HOME"')).toThrow(/expected KEY="value"/);
    expect(parseAppRuntimeEnv('# comment\n\nA="x y"\nB=1\n')).toEqual({ A: 'x y', B: '1' });
  });
});
