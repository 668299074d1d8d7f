import 'reflect-metadata';

import { ConfigError, loadConfig } from '@perch/platform';

import { IngestorConfig } from './ingestor.config';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  X_APP_BEARER: 'perch-app-bearer',
  X_BRAND_TOKENS: 'acme_support=acme-support-user-token',
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(IngestorConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
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
      /X_CONSUMER_SECRET \(X_CONSUMER_SECRET \(8 or more characters\) is required when X_WEBHOOK_URL is set/,
    );
  });

  it('accepts a webhook URL with its consumer secret, and a receiver-only secret without URL', () => {
    const config = loadConfig(IngestorConfig, { ...BASE, X_WEBHOOK_URL: 'http://127.0.0.1:3101/webhooks/x', X_CONSUMER_SECRET: 'perch-consumer-secret' });
    expect(config.X_CONSUMER_SECRET).toBe('perch-consumer-secret');
    expect(loadConfig(IngestorConfig, { ...BASE, X_CONSUMER_SECRET: 'perch-consumer-secret' }).X_WEBHOOK_URL).toBeUndefined();
  });

  it('refuses a webhook URL that is not a URL and a DM poll interval that is not a number', () => {
    const message = problemsOf({ ...BASE, X_WEBHOOK_URL: 'perch.example.com', X_CONSUMER_SECRET: 'perch-consumer-secret', INGESTOR_DM_POLL_MS: 'often' });
    expect(message).toMatch(/X_WEBHOOK_URL/);
    expect(message).toMatch(/INGESTOR_DM_POLL_MS/);
  });

  it('turns DM polling off with 0', () => {
    expect(loadConfig(IngestorConfig, { ...BASE, INGESTOR_DM_POLL_MS: '0' }).INGESTOR_DM_POLL_MS).toBe(0);
  });
});
