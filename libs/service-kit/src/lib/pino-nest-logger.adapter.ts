import { type LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from '@perch/platform';

/** Routes Nest's own logs through pino so every line is structured JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(
    service: string,
    private readonly logger: Logger = createLogger('nest', { service }),
  ) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ nestContext: context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ nestContext: context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ nestContext: context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ nestContext: context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ nestContext: context }, String(message));
  }
}
