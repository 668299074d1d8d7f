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
    expect(config.routingStoreOptions()).toEqual({ declineMemoryMs: DEFAULT_DECLINE_MEMORY_MS, agingStepMs: DEFAULT_AGING_STEP_MS, wrapUpMs: 30_000 });
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
    expect(config.routingStoreOptions()).toEqual({ declineMemoryMs: 60_000, agingStepMs: 120_000, wrapUpMs: 30_000, overflowSkill: 'tier2' });
  });

  it('refuses a decline memory or aging step that is not a whole number of ms in range, naming each', () => {
    const message = problemsOf({ ...BASE, ROUTER_DECLINE_MEMORY_MS: 'forever', ROUTER_AGING_STEP_MS: '10' });
    expect(message).toMatch(/ROUTER_DECLINE_MEMORY_MS/);
    expect(message).toMatch(/ROUTER_AGING_STEP_MS/);
  });
});

describe('RouterConfig: presence', () => {
  it('wraps up 30 s after a completion and knows break, meeting, training and missed-offer by default', () => {
    const config = loadConfig(RouterConfig, BASE);
    expect(config.routingStoreOptions().wrapUpMs).toBe(30_000);
    expect(config.notReadyReasons()).toEqual(['break', 'meeting', 'training', 'missed-offer']);
  });

  it('takes a wrap-up time (0: none) and a list of reason codes from the environment', () => {
    const config = loadConfig(RouterConfig, { ...BASE, ROUTER_WRAP_UP_MS: '0', ROUTER_NOT_READY_REASONS: 'lunch, coaching,lunch' });
    expect(config.routingStoreOptions().wrapUpMs).toBe(0);
    expect(config.notReadyReasons()).toEqual(['lunch', 'coaching']);
  });

  it('refuses a wrap-up time over an hour and a reason list that is not codes, naming each', () => {
    const message = problemsOf({ ...BASE, ROUTER_WRAP_UP_MS: '3600001', ROUTER_NOT_READY_REASONS: 'Coffee Break' });
    expect(message).toMatch(/ROUTER_WRAP_UP_MS/);
    expect(message).toMatch(/ROUTER_NOT_READY_REASONS/);
  });
});

describe('RouterConfig: offer timeouts', () => {
  it('sweeps every 500 ms by default and refuses an interval that would break the 1 s timeout promise', () => {
    expect(loadConfig(RouterConfig, BASE).ROUTER_SWEEP_INTERVAL_MS).toBe(500);
    expect(loadConfig(RouterConfig, { ...BASE, ROUTER_SWEEP_INTERVAL_MS: '250' }).ROUTER_SWEEP_INTERVAL_MS).toBe(250);
    expect(problemsOf({ ...BASE, ROUTER_SWEEP_INTERVAL_MS: '2000' })).toMatch(/ROUTER_SWEEP_INTERVAL_MS/);
  });
});
