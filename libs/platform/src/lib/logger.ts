import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const root: Logger = pino({
  level: process.env['LOG_LEVEL'] ?? (process.env['NODE_ENV'] === 'test' ? 'silent' : 'info'),
  base: { service: process.env['PERCH_SERVICE'] ?? 'perch' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['*.token', '*.accessToken', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
});

/** One child logger per class or module; carry correlationId in the bindings or per call. */
export function createLogger(context: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ context, ...bindings });
}
