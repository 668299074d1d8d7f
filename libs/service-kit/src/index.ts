export * from './lib/observability';
export * from './lib/pino-nest.logger';
export * from './lib/run-service';
export * from './lib/shutdown-hooks.module';
export * from './lib/distributed-env';
