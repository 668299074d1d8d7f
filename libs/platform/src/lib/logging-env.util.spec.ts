import { ConfigError, loadConfig } from './config.util';
import { LoggingEnv } from './logging-env.util';

describe(LoggingEnv.name, () => {
  it('reads LOG_LEVEL and PERCH_SERVICE with the rest of the environment', () => {
    const env = loadConfig(LoggingEnv, { LOG_LEVEL: 'debug', PERCH_SERVICE: 'ingestor' });
    expect(env).toMatchObject({ LOG_LEVEL: 'debug', PERCH_SERVICE: 'ingestor' });
  });

  it('defaults to silent under NODE_ENV=test', () => {
    expect(loadConfig(LoggingEnv, {}).LOG_LEVEL).toBe('silent');
  });

  it('refuses an unknown level, naming LOG_LEVEL', () => {
    expect(() => loadConfig(LoggingEnv, { LOG_LEVEL: 'banana' })).toThrow(ConfigError);
    expect(() => loadConfig(LoggingEnv, { LOG_LEVEL: 'banana' })).toThrow(/LOG_LEVEL/);
  });
});
