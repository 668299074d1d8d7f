import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// patches/ fixes dependencies at install (patch-package, ADR 46). A patch that is not applied fails nothing loudly at
// run time, so every way Perch is installed must apply it: npm ci and npm install here, and the image's npm ci.
const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** `kafkajs+2.2.4.patch` → ['kafkajs', '2.2.4'] (a scoped name is written `@scope+name+version`). */
function packageOfPatch(file: string): [string, string] {
  const parts = file.replace(/\.patch$/, '').split('+');
  const version = parts.pop() ?? '';
  return [parts.join('/'), version];
}

describe('dependency patches', () => {
  const patches = readdirSync(join(ROOT, 'patches')).filter((file) => file.endsWith('.patch'));

  it('are applied by every npm install, which fails when one no longer applies', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['postinstall']).toBe('patch-package --error-on-fail --error-on-warn');
  });

  it('are in the image before its npm ci runs', () => {
    const dockerfile = read('Dockerfile');
    const copied = dockerfile.indexOf('COPY patches ./patches');
    expect(copied).toBeGreaterThan(-1);
    expect(copied).toBeLessThan(dockerfile.indexOf('RUN npm ci'));
  });

  it('each fit the version the lockfile installs', () => {
    expect(patches.length).toBeGreaterThan(0);
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    for (const file of patches) {
      const [name, version] = packageOfPatch(file);
      expect({ file, installs: lock.packages[`node_modules/${name}`]?.version }).toEqual({ file, installs: version });
    }
  });
});
