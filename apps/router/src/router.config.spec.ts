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

describe('RouterConfig: skills and sticky agent', () => {
  const RULES = JSON.stringify([
    { when: { lang: 'fr' }, require: 'language:fr', minLevel: 2, widenAfterMs: 60_000, widenTo: 'language:any' },
    { when: { brand: 'acme_support' }, require: 'brand:acme_support' },
  ]);

  it('has no rules, no catalog and no sticky agent by default', () => {
    const config = loadConfig(RouterConfig, BASE);
    expect(config.skillOptions()).toEqual({});
    expect(config.routingStoreOptions().stickyWindowMs).toBeUndefined();
  });

  it('passes the rules and the catalog to the router and the sticky window and wait to the store', () => {
    const config = loadConfig(RouterConfig, {
      ...BASE,
      ROUTER_SKILL_RULES: RULES,
      ROUTER_SKILLS: 'language:fr,language:any,brand:acme_support',
      ROUTER_STICKY_WINDOW_MS: '3600000',
      ROUTER_STICKY_WAIT_MS: '20000',
    });
    expect(config.skillOptions().skillRules?.map((rule) => rule.require)).toEqual(['language:fr', 'brand:acme_support']);
    expect(config.skillOptions().skillCatalog).toEqual(['language:fr', 'language:any', 'brand:acme_support']);
    expect(config.routingStoreOptions()).toMatchObject({ stickyWindowMs: 3_600_000, stickyWaitMs: 20_000 });
  });

  it('refuses a bad rule, a rule skill outside the catalog and a bad catalog at start-up, naming each in the one error', () => {
    const badRule = problemsOf({ ...BASE, ROUTER_SKILL_RULES: JSON.stringify([{ require: 'ok' }, { when: { mood: 'x' }, require: 'ok' }]) });
    expect(badRule).toMatch(/ROUTER_SKILL_RULES/);
    expect(badRule).toMatch(/rule 1: unknown condition mood/);
    const outside = problemsOf({ ...BASE, ROUTER_SKILL_RULES: RULES, ROUTER_SKILLS: 'language:fr', ROUTER_STICKY_WAIT_MS: '5' });
    expect(outside).toMatch(/not in ROUTER_SKILLS: language:any, brand:acme_support/);
    expect(outside).toMatch(/ROUTER_STICKY_WAIT_MS/);
    expect(problemsOf({ ...BASE, ROUTER_SKILLS: 'language:fr,has space' })).toMatch(/ROUTER_SKILLS/);
  });
});

describe('RouterConfig: conference size', () => {
  it('allows the holder and one guest by default, and refuses a size outside 2..10 at start-up, naming it', () => {
    expect(loadConfig(RouterConfig, BASE).ROUTER_CONFERENCE_MAX_AGENTS).toBe(2);
    expect(loadConfig(RouterConfig, { ...BASE, ROUTER_CONFERENCE_MAX_AGENTS: '3' }).ROUTER_CONFERENCE_MAX_AGENTS).toBe(3);
    for (const bad of ['1', '11', 'two']) expect(problemsOf({ ...BASE, ROUTER_CONFERENCE_MAX_AGENTS: bad })).toMatch(/ROUTER_CONFERENCE_MAX_AGENTS/);
  });
});
