import { configureLogging, createLogger, defaultLogLevel } from './logger.util';

describe('logging', () => {
  afterAll(() => configureLogging({ level: defaultLogLevel() }));

  it('is silent under NODE_ENV=test and at info elsewhere until configured', () => {
    expect(defaultLogLevel({ NODE_ENV: 'test' })).toBe('silent');
    expect(defaultLogLevel({ NODE_ENV: 'production' })).toBe('info');
    expect(defaultLogLevel({})).toBe('info');
    expect(createLogger('unconfigured').level).toBe('silent');
  });

  it('moves loggers made before configureLogging to the configured level', () => {
    const early = createLogger('early');
    configureLogging({ level: 'debug' });
    expect(early.level).toBe('debug');
    expect(early.isLevelEnabled('debug')).toBe(true);
    expect(createLogger('late').level).toBe('debug');
  });

  it('labels loggers made after configureLogging with the configured service', () => {
    configureLogging({ level: 'warn', service: 'ingestor' });
    const logger = createLogger('stream', { brand: 'acme' });
    expect(logger.level).toBe('warn');
    expect(logger.bindings()).toMatchObject({ service: 'ingestor', context: 'stream', brand: 'acme' });
  });
});
