import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/CONVENTIONS.md: a role suffix says what a file holds. eslint checks the names; this checks what lint
// cannot, that the file holds what its name promises (a `.service.ts` that is not a Nest provider misleads).
const ROOT = join(__dirname, '..', '..');

function trackedFiles(suffix: string): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard', `*${suffix}`], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith(suffix) && !file.includes('node_modules/'));
}

function offenders(suffix: string, holds: (source: string) => boolean): string[] {
  return trackedFiles(suffix).filter((file) => !holds(readFileSync(join(ROOT, file), 'utf8')));
}

const NEST_DECORATOR = /@(Injectable|Controller|Module|WebSocketGateway|Catch)\(/;

describe('file roles', () => {
  it('finds files of every checked role (the check is not vacuous)', () => {
    for (const suffix of ['.service.ts', '.controller.ts', '.module.ts', '.domain.ts']) expect(trackedFiles(suffix).length).toBeGreaterThan(0);
  });

  it('keeps .service.ts for Nest providers: each declares an @Injectable class', () => {
    expect(offenders('.service.ts', (source) => /@Injectable\(/.test(source))).toEqual([]);
  });

  it('keeps .controller.ts for Nest controllers', () => {
    expect(offenders('.controller.ts', (source) => /@Controller\(/.test(source))).toEqual([]);
  });

  it('keeps .module.ts for Nest modules', () => {
    expect(offenders('.module.ts', (source) => /@Module\(/.test(source))).toEqual([]);
  });

  it('keeps .domain.ts free of Nest: plain TypeScript a test can construct', () => {
    expect(offenders('.domain.ts', (source) => !NEST_DECORATOR.test(source))).toEqual([]);
  });
});
