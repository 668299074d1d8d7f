import 'reflect-metadata';

import { loadConfig } from '@perch/platform';

import { EmbeddedConfig } from './embedded.config';

describe(EmbeddedConfig.name, () => {
  it('keeps logs at warn under the banner unless LOG_LEVEL asks for more', () => {
    expect(loadConfig(EmbeddedConfig, {}).LOG_LEVEL).toBe('warn');
    expect(loadConfig(EmbeddedConfig, { LOG_LEVEL: 'info' }).LOG_LEVEL).toBe('info');
  });

  it('runs the SMTP catcher on any free port unless PERCH_SMTP_PORT names one, and refuses one that is not a port', () => {
    expect(loadConfig(EmbeddedConfig, {}).PERCH_SMTP_PORT).toBe(0);
    expect(loadConfig(EmbeddedConfig, { PERCH_SMTP_PORT: '2525' }).PERCH_SMTP_PORT).toBe(2525);
    expect(() => loadConfig(EmbeddedConfig, { PERCH_SMTP_PORT: '70000' })).toThrow(/PERCH_SMTP_PORT/);
  });

  it('takes OUTBOUND_BRAND_CONCURRENCY as the distributed gateway does, 32 by default, and refuses 0', () => {
    expect(loadConfig(EmbeddedConfig, {}).OUTBOUND_BRAND_CONCURRENCY).toBe(32);
    expect(loadConfig(EmbeddedConfig, { OUTBOUND_BRAND_CONCURRENCY: '4' }).OUTBOUND_BRAND_CONCURRENCY).toBe(4);
    expect(() => loadConfig(EmbeddedConfig, { OUTBOUND_BRAND_CONCURRENCY: '0' })).toThrow(/OUTBOUND_BRAND_CONCURRENCY/);
  });

  it('refuses an unknown LOG_LEVEL at start-up', () => {
    expect(() => loadConfig(EmbeddedConfig, { LOG_LEVEL: 'banana' })).toThrow(/LOG_LEVEL/);
  });

  it('takes the router skill rules, catalog and sticky agent as the router app does, off by default', () => {
    expect(loadConfig(EmbeddedConfig, {}).skillOptions()).toEqual({});
    expect(loadConfig(EmbeddedConfig, {}).ROUTER_STICKY_WINDOW_MS).toBe(0);
    const config = loadConfig(EmbeddedConfig, {
      ROUTER_SKILL_RULES: JSON.stringify([{ when: { lang: 'fr' }, require: 'language:fr' }]),
      ROUTER_SKILLS: 'language:fr',
      ROUTER_STICKY_WINDOW_MS: '600000',
    });
    expect(config.skillOptions().skillRules?.[0]?.require).toBe('language:fr');
    expect(config.ROUTER_STICKY_WAIT_MS).toBe(30_000);
  });

  it('refuses a bad skill rule or a rule skill outside the catalog at start-up, naming ROUTER_SKILL_RULES', () => {
    expect(() => loadConfig(EmbeddedConfig, { ROUTER_SKILL_RULES: '[{"require":"has space"}]' })).toThrow(/ROUTER_SKILL_RULES.*rule 0/);
    expect(() => loadConfig(EmbeddedConfig, { ROUTER_SKILL_RULES: '[{"require":"billing"}]', ROUTER_SKILLS: 'language:fr' })).toThrow(/billing/);
  });
});
