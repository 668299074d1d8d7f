import 'reflect-metadata';

import { randomBytes, randomUUID } from 'node:crypto';

import { loadConfig } from '@perch/platform';
import { configProblems } from '@perch/testing';

import { GatewayConfig } from './gateway.config';
import { GATEWAY_ENV_WITHOUT_SECRET } from './gateway-env.fixtures';

const BASE = GATEWAY_ENV_WITHOUT_SECRET;

function problemsOf(env: Record<string, string>): string {
  return configProblems(GatewayConfig, env);
}

describe('GatewayConfig: GATEWAY_TOKEN_SECRET', () => {
  it.each([
    ['the compose file', 'change-me-to-a-long-random-secret-0000'],
    ['the README', 'change-me-to-a-long-random-secret'],
    ['start-distributed.sh', 'local-development-secret-change-me-0000'],
  ])('refuses the default that shipped in %s, though it is 32 characters or more', (_where, secret) => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret })).toMatch(
      /GATEWAY_TOKEN_SECRET \(GATEWAY_TOKEN_SECRET is a default that shipped publicly with Perch: make one with `openssl rand -hex 32`\)/,
    );
  });

  it('refuses low-entropy and short values, naming the reason', () => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: 'x'.repeat(40) })).toMatch(/GATEWAY_TOKEN_SECRET uses only 1 distinct characters/);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: '1234567890'.repeat(4) })).toMatch(/GATEWAY_TOKEN_SECRET is all digits/);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: randomBytes(8).toString('hex') })).toMatch(/GATEWAY_TOKEN_SECRET is shorter than 32 characters/);
    expect(problemsOf(BASE)).toMatch(/GATEWAY_TOKEN_SECRET is missing/);
  });

  it('names every bad variable in one error', () => {
    const message = problemsOf({ ...BASE, DATABASE_URL: 'mysql://x', GATEWAY_TOKEN_SECRET: 'perch-consumer-secret' });
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/GATEWAY_TOKEN_SECRET is a default/);
  });

  it('accepts secrets from openssl rand -hex 32 and from a pair of UUIDs', () => {
    const hex = randomBytes(32).toString('hex');
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: hex }).GATEWAY_TOKEN_SECRET).toBe(hex);
    const uuids = `${randomUUID()}${randomUUID()}`;
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: uuids }).GATEWAY_TOKEN_SECRET).toBe(uuids);
  });
});

describe('GatewayConfig: presence', () => {
  const secret = randomBytes(32).toString('hex');

  it('waits 60 s for a lost connection before reporting the agent offline, and offers the default reasons', () => {
    const config = loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret });
    expect(config.GATEWAY_DISCONNECT_GRACE_MS).toBe(60_000);
    expect(config.notReadyReasons()).toEqual(['break', 'meeting', 'training', 'missed-offer']);
  });

  it('takes the grace period and the reason codes from the environment', () => {
    const config = loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_DISCONNECT_GRACE_MS: '0', GATEWAY_NOT_READY_REASONS: 'lunch,coaching' });
    expect(config.GATEWAY_DISCONNECT_GRACE_MS).toBe(0);
    expect(config.notReadyReasons()).toEqual(['lunch', 'coaching']);
  });

  it('bounds the offer decisions in flight from the sockets at 256 unless told, and refuses 0', () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT).toBe(256);
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT: '64' }).GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT).toBe(64);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT: '0' })).toMatch(/GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT/);
  });

  it('bounds the REST requests in flight at 2048 unless told, and refuses 0 and a word', () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT).toBe(2_048);
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT: '500' }).GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT).toBe(500);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT: '0' })).toMatch(/GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT/);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT: 'many' })).toMatch(/GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT/);
  });

  it('refuses a negative grace period and a reason list that is not codes, naming each', () => {
    const message = problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_DISCONNECT_GRACE_MS: '-1', GATEWAY_NOT_READY_REASONS: 'Lunch Break' });
    expect(message).toMatch(/GATEWAY_DISCONNECT_GRACE_MS/);
    expect(message).toMatch(/GATEWAY_NOT_READY_REASONS/);
  });
});

describe('GatewayConfig: skill catalog', () => {
  const secret = randomBytes(32).toString('hex');

  it('has no catalog by default and reads ROUTER_SKILLS as the router does', () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).skillCatalog()).toBeUndefined();
    const config = loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, ROUTER_SKILLS: 'language:fr, billing' });
    expect(config.skillCatalog()).toEqual(['language:fr', 'billing']);
  });

  it('refuses a catalog that is not a list of skill names, naming ROUTER_SKILLS', () => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, ROUTER_SKILLS: 'language:fr,,x y' })).toMatch(/ROUTER_SKILLS/);
  });
});

describe('GatewayConfig: mail to contacts', () => {
  const secret = randomBytes(32).toString('hex');

  it('has no mail without SMTP_URL or SMTP_BRANDS', () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).mailRoutes()).toEqual({ brands: {} });
  });

  it('takes a global server and sender, and a brand of its own', () => {
    const config = loadConfig(GatewayConfig, {
      ...BASE,
      GATEWAY_TOKEN_SECRET: secret,
      SMTP_URL: 'smtp://relay.internal:587',
      SMTP_FROM: 'Acme Care <care@acme.example>',
      SMTP_BRANDS: JSON.stringify({ acme_billing: { from: 'billing@acme.example' } }),
    });
    expect(config.mailRoutes()).toEqual({
      global: { url: 'smtp://relay.internal:587', from: 'Acme Care <care@acme.example>' },
      brands: { acme_billing: { url: 'smtp://relay.internal:587', from: 'billing@acme.example' } },
    });
  });

  it('refuses at start-up a bad URL, SMTP_URL without SMTP_FROM, and a bad SMTP_BRANDS, naming each', () => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, SMTP_URL: 'http://relay', SMTP_FROM: 'care@acme.example' })).toMatch(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, SMTP_URL: 'smtp://relay:25' })).toMatch(/SMTP_FROM must be set with SMTP_URL/);
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, SMTP_BRANDS: JSON.stringify({ acme: { from: 'care@acme.example' } }) })).toMatch(
      /SMTP_BRANDS.acme.url must be an smtp:\/\/ or smtps:\/\/ URL \(or set SMTP_URL\)/,
    );
  });
});

describe('GatewayConfig: outbound', () => {
  const secret = randomBytes(32).toString('hex');

  it("lets 32 calls to X run at once per brand unless told otherwise, and takes OUTBOUND_BRAND_CONCURRENCY", () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).OUTBOUND_BRAND_CONCURRENCY).toBe(32);
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, OUTBOUND_BRAND_CONCURRENCY: '8' }).OUTBOUND_BRAND_CONCURRENCY).toBe(8);
  });

  it.each(['0', '-3', '1.5', 'many', '257'])('refuses OUTBOUND_BRAND_CONCURRENCY=%s at start-up', (value) => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, OUTBOUND_BRAND_CONCURRENCY: value })).toMatch(/OUTBOUND_BRAND_CONCURRENCY/);
  });
});

describe('GatewayConfig: role', () => {
  const secret = randomBytes(32).toString('hex');

  it('runs everything in one process unless GATEWAY_ROLE says edge or worker', () => {
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret }).GATEWAY_ROLE).toBe('all');
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_ROLE: 'edge' }).GATEWAY_ROLE).toBe('edge');
    expect(loadConfig(GatewayConfig, { ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_ROLE: 'worker' }).GATEWAY_ROLE).toBe('worker');
  });

  it('lets a worker start without the token secret and the agents, which only edges need, and still checks a secret given', () => {
    const { GATEWAY_AGENTS: _agents, ...withoutAgents } = BASE as Record<string, string>;
    const worker = loadConfig(GatewayConfig, { ...withoutAgents, GATEWAY_ROLE: 'worker' });
    expect([worker.GATEWAY_TOKEN_SECRET, worker.GATEWAY_AGENTS]).toEqual([undefined, undefined]);
    expect(problemsOf({ ...withoutAgents, GATEWAY_ROLE: 'edge' })).toMatch(/GATEWAY_TOKEN_SECRET/);
    expect(problemsOf({ ...withoutAgents, GATEWAY_ROLE: 'edge' })).toMatch(/GATEWAY_AGENTS/);
    expect(problemsOf({ ...withoutAgents })).toMatch(/GATEWAY_TOKEN_SECRET/);
    expect(problemsOf({ ...withoutAgents, GATEWAY_ROLE: 'worker', GATEWAY_TOKEN_SECRET: 'change-me' })).toMatch(/GATEWAY_TOKEN_SECRET/);
  });

  it.each(['api', 'Edge', 'edge,worker'])('refuses GATEWAY_ROLE=%s at start-up, naming the roles', (value) => {
    expect(problemsOf({ ...BASE, GATEWAY_TOKEN_SECRET: secret, GATEWAY_ROLE: value })).toMatch(/GATEWAY_ROLE must be one of all, edge, worker/);
  });
});
