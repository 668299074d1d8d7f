import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { APP_RUNTIME_ENV_FILE, appRuntimeEnvFor, parseAppRuntimeEnv, readAppRuntimeEnv, RUNTIME_ENV_APPS } from './app-runtime-env.util';

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

  it('caps every app\'s V8 old generation, each with flags node accepts', () => {
    for (const app of RUNTIME_ENV_APPS) {
      const options = settings[`NODE_OPTIONS_${app.toUpperCase()}`] ?? '';
      expect(options).toMatch(/--max-old-space-size=\d+/);
      const run = spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' });
      expect(run.stderr).toBe('');
    }
  });

  describe('run-app.sh', () => {
    let root: string;
    // A directory laid out like the image, whose "app" prints the heap limit and NODE_OPTIONS node started with.
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'perch-run-app-'));
      mkdirSync(join(root, 'tools', 'runtime'), { recursive: true });
      for (const file of ['run-app.sh', 'app-runtime.env']) copyFileSync(join(ROOT, 'tools', 'runtime', file), join(root, 'tools', 'runtime', file));
      for (const app of RUNTIME_ENV_APPS) {
        mkdirSync(join(root, 'dist', 'apps', app, 'src'), { recursive: true });
        writeFileSync(
          join(root, 'dist', 'apps', app, 'src', 'main.js'),
          "process.stdout.write(JSON.stringify({ heapMb: require('v8').getHeapStatistics().heap_size_limit / 1048576, options: process.env.NODE_OPTIONS }))",
        );
      }
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const run = (app: string, env: Record<string, string> = {}): { heapMb: number; options: string } =>
      JSON.parse(execFileSync('sh', ['tools/runtime/run-app.sh', app], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' })) as { heapMb: number; options: string };

    it('starts each app with its own heap cap, the NODE_OPTIONS the test fixture gives it too', () => {
      for (const app of RUNTIME_ENV_APPS) {
        const cap = Number(/--max-old-space-size=(\d+)/.exec(settings[`NODE_OPTIONS_${app.toUpperCase()}`] ?? '')?.[1]);
        const started = run(app);
        // The limit V8 reports is the old generation's cap plus the young generation.
        expect(started.heapMb).toBeGreaterThanOrEqual(cap);
        expect(started.heapMb).toBeLessThan(cap + 64);
        const own = settings[`NODE_OPTIONS_${app.toUpperCase()}`] ?? '';
        expect(started.options).toContain(own);
        expect(appRuntimeEnvFor(app, ROOT, '')['NODE_OPTIONS']).toContain(own);
      }
    });

    it('lets the operator\'s PERCH_NODE_OPTIONS replace the per-app default', () => {
      const started = run('gateway', { PERCH_NODE_OPTIONS: '--max-old-space-size=700' });
      expect(started.heapMb).toBeGreaterThanOrEqual(700);
      expect(started.options).not.toContain('--max-old-space-size=384');
      expect(appRuntimeEnvFor('gateway', ROOT, '--max-old-space-size=700')['NODE_OPTIONS']).toContain('--max-old-space-size=700');
    });

    it('refuses a name that is not one of the four apps', () => {
      const refused = spawnSync('sh', ['tools/runtime/run-app.sh', 'gateway;id'], { cwd: root, encoding: 'utf8' });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/unknown app/);
    });
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
