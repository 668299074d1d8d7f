import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { KNOWN_DEFAULT_SECRETS } from '@perch/platform';
import { parse } from 'yaml';

// What the repository hands to people who run it: none of it may carry a secret they would then share.
const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Variable names that hold secrets. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN/;
/** The simulator's own demo credentials (documented in libs/x-simulator): they open nothing but the simulator. */
const SIMULATOR_DEMO_CREDENTIALS = new Set(['X_BRAND_TOKENS', 'X_SIM_BRAND_TOKEN', 'X_SIM_APP_BEARER']);
/** `${NAME:?message}` or `${NAME?message}`: compose refuses to start while NAME is unset. */
const REQUIRED_REFERENCE = /^\$\{(\w+):?\?[^}]*\}$/;

type Environment = Record<string, string>;

/** Every environment block of the compose file (services and x- fragments), merge keys resolved. */
function composeEnvironments(): Map<string, Environment> {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
  const blocks = new Map<string, Environment>();
  const add = (where: string, environment: unknown): void => {
    if (environment === undefined || environment === null) return;
    const entries = Array.isArray(environment)
      ? environment.map((line) => String(line).split(/=(.*)/s).slice(0, 2))
      : Object.entries(environment as Record<string, unknown>);
    blocks.set(where, Object.fromEntries(entries.map(([name, value]) => [String(name), String(value ?? '')])));
  };
  for (const [key, value] of Object.entries(compose)) {
    if (key.startsWith('x-')) add(key, value);
  }
  for (const [name, service] of Object.entries(compose['services'] as Record<string, { environment?: unknown }>)) {
    add(`services.${name}`, service.environment);
  }
  return blocks;
}

describe('docker-compose.yml ships no secret', () => {
  const environments = composeEnvironments();

  it('finds the environment of every service, merged fragments included', () => {
    expect([...environments.keys()]).toEqual(expect.arrayContaining(['x-perch-env', 'services.gateway', 'services.ingestor', 'services.postgres']));
    expect(environments.get('services.gateway')?.['KAFKA_BROKERS']).toBe('kafka:9092');
  });

  it('requires every secret-looking variable from the environment, with no default', () => {
    const literal: string[] = [];
    for (const [where, environment] of environments) {
      for (const [name, value] of Object.entries(environment)) {
        if (SECRET_NAME.test(name) && !SIMULATOR_DEMO_CREDENTIALS.has(name) && !REQUIRED_REFERENCE.test(value)) literal.push(`${where}.${name}`);
      }
    }
    expect(literal).toEqual([]);
    expect(environments.get('services.gateway')?.['GATEWAY_TOKEN_SECRET']).toMatch(/^\$\{GATEWAY_TOKEN_SECRET:\?.*openssl rand -hex 32/);
    expect(environments.get('services.ingestor')?.['X_CONSUMER_SECRET']).toMatch(/^\$\{X_CONSUMER_SECRET:\?/);
  });

  it('gives the webhook signer and the ingestor the same required consumer secret', () => {
    const simulator = environments.get('services.x-simulator')?.['X_SIM_CONSUMER_SECRET'];
    const ingestor = environments.get('services.ingestor')?.['X_CONSUMER_SECRET'];
    expect(simulator).toMatch(REQUIRED_REFERENCE);
    expect(simulator?.match(REQUIRED_REFERENCE)?.[1]).toBe(ingestor?.match(REQUIRED_REFERENCE)?.[1]);
  });

  it('embeds no literal password in a URL and gives no secret reference a default', () => {
    const problems: string[] = [];
    for (const [where, environment] of environments) {
      for (const [name, value] of Object.entries(environment)) {
        const password = /^\w+:\/\/[^:/@\s]+:([^@\s]+)@/.exec(value)?.[1];
        if (password !== undefined && !REQUIRED_REFERENCE.test(password)) problems.push(`${where}.${name} holds a password`);
        for (const [, referenced, operator] of value.matchAll(/\$\{(\w+)(:?[-?+])?[^}]*\}/g)) {
          if (SECRET_NAME.test(referenced ?? '') && !operator?.endsWith('?')) problems.push(`${where}.${name} defaults ${referenced}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('contains none of the secrets that shipped before', () => {
    const text = read('docker-compose.yml').toLowerCase();
    expect(KNOWN_DEFAULT_SECRETS.filter((known) => text.includes(known.toLowerCase()))).toEqual([]);
  });
});

describe('the dev script and the README ship no secret', () => {
  it('makes start-distributed.sh generate every secret it defaults', () => {
    const script = read('tools/dev/start-distributed.sh');
    const defaults = [...script.matchAll(/^export (\w+)="\$\{\1:-(.*)\}"$/gm)].filter(([, name]) => SECRET_NAME.test(name ?? '') && !SIMULATOR_DEMO_CREDENTIALS.has(name ?? ''));
    expect(defaults.map(([, name]) => name)).toEqual(expect.arrayContaining(['GATEWAY_TOKEN_SECRET', 'X_CONSUMER_SECRET']));
    for (const [, name, fallback] of defaults) expect(`${name}=${fallback}`).toBe(`${name}=$(random_secret)`);
    expect(script).toMatch(/random_secret\(\) \{ node -e .*randomBytes\(32\)/);
  });

  it.each(['tools/dev/start-distributed.sh', 'README.md'])('keeps %s free of every secret that shipped before', (path) => {
    const text = read(path).toLowerCase();
    expect(KNOWN_DEFAULT_SECRETS.filter((known) => text.includes(known.toLowerCase()))).toEqual([]);
  });

  it('has the README set its secrets by hand from openssl', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/export GATEWAY_TOKEN_SECRET=\$\(openssl rand -hex 32\)/);
    expect(readme).toMatch(/export X_CONSUMER_SECRET=\$\(openssl rand -hex 32\)/);
    expect(readme).not.toMatch(/(GATEWAY_TOKEN_SECRET|X_CONSUMER_SECRET)=(?!\$)[\w-]{8,}/);
  });
});
