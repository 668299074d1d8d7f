import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

/**
 * Runs a TypeScript entry point as its own process, the way `node dist/...` runs it after a build, but straight from
 * the sources: a tiny require hook compiles .ts with swc (as Jest does) and maps the @perch/* aliases.
 */
function runTypeScript(entry: string, input: string): { status: number | null; stdout: string; stderr: string } {
  const bootstrap = `
    const fs = require('node:fs');
    const path = require('node:path');
    const Module = require('node:module');
    const swc = require(${JSON.stringify(path.join(ROOT, 'node_modules/@swc/core'))});
    const paths = require(${JSON.stringify(path.join(ROOT, 'tsconfig.base.json'))}).compilerOptions.paths;
    require.extensions['.ts'] = (module, filename) => {
      const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename,
        jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      const target = paths[request];
      return resolve.call(this, target ? path.join(${JSON.stringify(ROOT)}, target[0]) : request, ...rest);
    };
    require(${JSON.stringify(entry)});
  `;
  const result = spawnSync(process.execPath, ['-e', bootstrap], { input, encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run classify (apps/classifier/src/cli/classify.cli.ts)', () => {
  it('writes exactly one JSON object per input line, in the input order, and nothing else on stdout', () => {
    const lines = [
      '@acme_support you folks are amazing, thanks so much for the quick help! 😍',
      '@acme_support 注文がまだ届いていません',
      '',
      '@acme_support worst service ever, my order is two weeks late and nobody answers. Where is it?',
      'Hola, mi pedido no ha llegado todavía, por favor ayuda',
    ];
    // The last line has no trailing newline: it still counts.
    const { status, stdout, stderr } = runTypeScript(path.join(__dirname, 'classify.cli.ts'), lines.join('\n'));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    const out = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    for (const row of out) {
      expect(Object.keys(row)).toEqual(['sentiment', 'sentimentScore', 'actionability', 'actionabilityScore']);
    }
    expect(out.map((row) => row['sentiment'])).toEqual(['positive', 'undeclared', 'undeclared', 'negative', 'undeclared']);
    expect(out[3]['actionability']).toBe('actionable');
  }, 60_000);
});
