import { IsIn, IsOptional, Matches } from 'class-validator';

import { defaultLogLevel, LOG_LEVELS, type LogLevel } from './logger.util';

/**
 * The logging variables every app reads with the rest of its environment (the apps' config classes extend this);
 * main passes them to configureLogging right after loadConfig.
 */
export class LoggingEnv {
  /** silent under NODE_ENV=test, info otherwise. */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = defaultLogLevel();

  /** The `service` field of every log line. Default `perch`. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,60}$/, { message: 'PERCH_SERVICE may hold letters, digits, dot, dash, underscore' })
  PERCH_SERVICE?: string;
}
