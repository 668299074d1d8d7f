import 'reflect-metadata';

import { randomBytes } from 'node:crypto';

import { loadConfig } from '@perch/platform';
import { configProblems } from '@perch/testing';

import { IngestorConfig } from './ingestor.config';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  X_APP_BEARER: 'perch-app-bearer',
  X_BRAND_TOKENS: 'acme_support=acme-support-user-token',
};

/** A consumer secret as X or `openssl rand -hex 32` makes one. */
const SECRET = randomBytes(32).toString('hex');

function problemsOf(env: Record<string, string>): string {
  return configProblems(IngestorConfig, env);
}

describe('IngestorConfig: direct messages', () => {
  it('polls DMs every minute and runs no webhook by default', () => {
    const config = loadConfig(IngestorConfig, BASE);
    expect(config.INGESTOR_DM_POLL_MS).toBe(60_000);
    expect(config.X_WEBHOOK_URL).toBeUndefined();
    expect(config.X_CONSUMER_SECRET).toBeUndefined();
  });

  it('requires the consumer secret when a webhook URL is set, and says why', () => {
    expect(problemsOf({ ...BASE, X_WEBHOOK_URL: 'https://perch.example.com/webhooks/x' })).toMatch(
      /X_CONSUMER_SECRET \(X_CONSUMER_SECRET is required when X_WEBHOOK_URL is set \(X signs webhook deliveries and checks the CRC with it\)/,
    );
  });

  it('accepts a webhook URL with its consumer secret, and a receiver-only secret without URL', () => {
    const config = loadConfig(IngestorConfig, { ...BASE, X_WEBHOOK_URL: 'http://127.0.0.1:3101/webhooks/x', X_CONSUMER_SECRET: SECRET });
    expect(config.X_CONSUMER_SECRET).toBe(SECRET);
    expect(loadConfig(IngestorConfig, { ...BASE, X_CONSUMER_SECRET: SECRET }).X_WEBHOOK_URL).toBeUndefined();
  });

  it('refuses a webhook URL that is not a URL and a DM poll interval that is not a number', () => {
    const message = problemsOf({ ...BASE, X_WEBHOOK_URL: 'perch.example.com', X_CONSUMER_SECRET: SECRET, INGESTOR_DM_POLL_MS: 'often' });
    expect(message).toMatch(/X_WEBHOOK_URL/);
    expect(message).toMatch(/INGESTOR_DM_POLL_MS/);
  });

  it('turns DM polling off with 0', () => {
    expect(loadConfig(IngestorConfig, { ...BASE, INGESTOR_DM_POLL_MS: '0' }).INGESTOR_DM_POLL_MS).toBe(0);
  });
});

describe('IngestorConfig: the consumer secret that keys webhook signatures', () => {
  const WEBHOOK = { ...BASE, X_WEBHOOK_URL: 'http://127.0.0.1:3101/webhooks/x' };

  it('refuses the consumer secret that shipped in the compose file and dev script, with or without a webhook URL', () => {
    expect(problemsOf({ ...WEBHOOK, X_CONSUMER_SECRET: 'perch-consumer-secret' })).toMatch(
      /X_CONSUMER_SECRET is a default that shipped publicly with Perch: make one with `openssl rand -hex 32`/,
    );
    expect(problemsOf({ ...BASE, X_CONSUMER_SECRET: 'perch-consumer-secret' })).toMatch(/X_CONSUMER_SECRET is a default/);
  });

  it('refuses short and low-entropy consumer secrets', () => {
    expect(problemsOf({ ...WEBHOOK, X_CONSUMER_SECRET: 'hunter22' })).toMatch(/X_CONSUMER_SECRET is shorter than 32 characters/);
    expect(problemsOf({ ...WEBHOOK, X_CONSUMER_SECRET: 'ab'.repeat(20) })).toMatch(/X_CONSUMER_SECRET uses only 2 distinct characters/);
  });

  it('accepts a random secret against the simulator and an X-style 50-character one', () => {
    expect(loadConfig(IngestorConfig, { ...WEBHOOK, X_API_BASE_URL: 'http://127.0.0.1:4010', X_CONSUMER_SECRET: SECRET }).X_CONSUMER_SECRET).toBe(SECRET);
    const xStyle = 'Jx3kP9qLm2VbN8wR4tYz7HcF1sDgA6eUoI5nKjQ0rWvXyZaB2M';
    expect(loadConfig(IngestorConfig, { ...WEBHOOK, X_CONSUMER_SECRET: xStyle }).X_CONSUMER_SECRET).toBe(xStyle);
  });
});

describe('IngestorConfig: dedupe claims', () => {
  it('lets a crashed ingestor’s claim on a message lapse after 30 s by default, and refuses a TTL under 1 s', () => {
    expect(loadConfig(IngestorConfig, BASE).INGESTOR_CLAIM_TTL_MS).toBe(30_000);
    expect(loadConfig(IngestorConfig, { ...BASE, INGESTOR_CLAIM_TTL_MS: '2000' }).INGESTOR_CLAIM_TTL_MS).toBe(2000);
    expect(problemsOf({ ...BASE, INGESTOR_CLAIM_TTL_MS: '500' })).toMatch(/INGESTOR_CLAIM_TTL_MS/);
  });
});
