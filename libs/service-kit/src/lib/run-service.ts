import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@perch/platform';

import { PinoNestLogger } from './pino-nest.logger';

export interface RunServiceOptions {
  service: string;
  port: number;
  host?: string;
}

/** Starts a Nest HTTP app (health, metrics, and whatever the module adds) with graceful shutdown. */
export async function runService(module: DynamicModule, options: RunServiceOptions): Promise<INestApplication> {
  const logger = createLogger('bootstrap', { service: options.service });
  const app = await NestFactory.create(module, { logger: new PinoNestLogger(options.service), bufferLogs: false });
  app.enableShutdownHooks();
  tuneHttpServer(app);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  logger.info({ port: options.port }, `${options.service} listening`);
  return app;
}

/** Prints a config or start-up failure plainly and exits non-zero, so an operator sees every bad variable. */
export function exitOnStartupFailure(service: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${service} could not start: ${message}\n`);
  process.exit(1);
}

/**
 * Idle keep-alive sockets must outlive the client's (and any load balancer's) idea of them; with Node's
 * default of 5 s the server closes a socket just as a client reuses it, and that request fails.
 */
export function tuneHttpServer(app: INestApplication): void {
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
