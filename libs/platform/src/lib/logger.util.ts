import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggingOptions {
  level: LogLevel;
  /** The `service` field of every line. Default `perch`. */
  service?: string;
}

/** Makes a logger for a class or module: `createLogger` itself, or a test's stand-in. */
export type LoggerFactory = (context: string, bindings?: Record<string, unknown>) => Logger;

/**
 * Nest token of the LoggerFactory a provider builds its logger with. Providers inject it `@Optional()` and fall back
 * to createLogger, so an app needs not provide it; a test provides one to capture or silence the logs.
 */
export const LOGGER_FACTORY = Symbol('LOGGER_FACTORY');

const DEFAULT_SERVICE = 'perch';

/** Quiet test output unless a test configures logging; `info` everywhere else. */
export function defaultLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  return env['NODE_ENV'] === 'test' ? 'silent' : 'info';
}

interface Root {
  logger: Logger;
  service: string;
}

let root: Root | undefined;
// Every logger createLogger made, weakly: configureLogging moves the ones made before it (module-scope loggers of
// imported libraries) to the configured level, since pino children keep the level they were created with.
const made = new Set<WeakRef<Logger>>();
const forget = new FinalizationRegistry<WeakRef<Logger>>((ref) => made.delete(ref));

function makeRoot(level: LogLevel, service: string): Root {
  const logger = pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.token', '*.accessToken', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
  return { logger, service };
}

/**
 * Sets the level (and service) of every logger, those already made included, from the validated config. Call once
 * in an app's main, right after loadConfig and before anything logs. Until then: defaultLogLevel(), service `perch`.
 * A changed service applies to loggers made afterwards (a pino binding cannot be replaced).
 */
export function configureLogging(options: LoggingOptions): void {
  const service = options.service ?? DEFAULT_SERVICE;
  if (root?.service === service) root.logger.level = options.level;
  else root = makeRoot(options.level, service);
  for (const ref of made) {
    const logger = ref.deref();
    if (logger) logger.level = options.level;
  }
}

/** One child logger per class or module; carry correlationId in the bindings or per call. */
export function createLogger(context: string, bindings: Record<string, unknown> = {}): Logger {
  root ??= makeRoot(defaultLogLevel(), DEFAULT_SERVICE);
  const logger = root.logger.child({ context, ...bindings });
  const ref = new WeakRef(logger);
  made.add(ref);
  forget.register(logger, ref);
  return logger;
}
