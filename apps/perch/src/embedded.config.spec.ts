import 'reflect-metadata';

import { loadConfig } from '@perch/platform';

import { EmbeddedConfig } from './embedded.config';

describe(EmbeddedConfig.name, () => {
  it('keeps logs at warn under the banner unless LOG_LEVEL asks for more', () => {
    expect(loadConfig(EmbeddedConfig, {}).LOG_LEVEL).toBe('warn');
    expect(loadConfig(EmbeddedConfig, { LOG_LEVEL: 'info' }).LOG_LEVEL).toBe('info');
  });

  it('refuses an unknown LOG_LEVEL at start-up', () => {
    expect(() => loadConfig(EmbeddedConfig, { LOG_LEVEL: 'banana' })).toThrow(/LOG_LEVEL/);
  });
});
