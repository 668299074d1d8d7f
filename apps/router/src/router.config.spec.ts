import 'reflect-metadata';

import { ConfigError, loadConfig } from '@perch/platform';
import { DEFAULT_AGING_STEP_MS, DEFAULT_DECLINE_MEMORY_MS } from '@perch/routing';

import { RouterConfig } from './router.config';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(RouterConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('RouterConfig: fair dispatch', () => {
  it('remembers declines 5 minutes, ages one priority level per 5 minutes and has no overflow by default', () => {
    const config = loadConfig(RouterConfig, BASE);
    expect(config.routingStoreOptions()).toEqual({ declineMemoryMs: DEFAULT_DECLINE_MEMORY_MS, agingStepMs: DEFAULT_AGING_STEP_MS });
    expect(DEFAULT_DECLINE_MEMORY_MS).toBe(300_000);
    expect(DEFAULT_AGING_STEP_MS).toBe(300_000);
  });

  it('passes the decline memory, aging step and overflow skill from the environment to the store', () => {
    const config = loadConfig(RouterConfig, {
      ...BASE,
      ROUTER_DECLINE_MEMORY_MS: '60000',
      ROUTER_AGING_STEP_MS: '120000',
      ROUTER_OVERFLOW_SKILL: 'tier2',
    });
    expect(config.routingStoreOptions()).toEqual({ declineMemoryMs: 60_000, agingStepMs: 120_000, overflowSkill: 'tier2' });
  });

  it('refuses a decline memory or aging step that is not a whole number of ms in range, naming each', () => {
    const message = problemsOf({ ...BASE, ROUTER_DECLINE_MEMORY_MS: 'forever', ROUTER_AGING_STEP_MS: '10' });
    expect(message).toMatch(/ROUTER_DECLINE_MEMORY_MS/);
    expect(message).toMatch(/ROUTER_AGING_STEP_MS/);
  });
});
