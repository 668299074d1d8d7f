import { type IncomingMessage, type ServerResponse } from 'node:http';

import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@perch/platform';

import { type DistributedEnv } from './distributed-env.config';
import { hardenHttp } from './http-hardening.util';
import { instrumentHttp } from './http-request-metrics.util';
import { type InternalHttp, internalHttpPort, startInternalHttp } from './internal-http.util';
import { observabilityOf } from './observability.module';
import { PinoNestLogger } from './pino-nest-logger.adapter';

export interface RunServiceOptions {
  service: string;
  port: number;
  host?: string;
  /**
   * Paths whose POST bodies are kept as raw bytes in `req.rawBody` and never parsed, for endpoints that check a
   * signature over the exact bytes (e.g. X's webhooks at /webhooks/x). Other paths keep Nest's JSON parsing.
   */
  rawBodyPaths?: readonly string[];
  /** The internal listener's port (/health, /metrics); internalHttpPort(port) when absent. */
  internalPort?: number;
  internalHost?: string;
  /** Strict-Transport-Security max-age on every answer; 0 sends none. */
  hstsMaxAgeSeconds?: number;
}

export interface RunningService {
  app: INestApplication;
  internal: InternalHttp;
}

/** The listener settings every distributed app reads from its environment (see DistributedEnv). */
export function httpOptionsFromEnv(
  env: DistributedEnv,
): Required<Pick<RunServiceOptions, 'port' | 'internalPort' | 'hstsMaxAgeSeconds'>> & Pick<RunServiceOptions, 'host' | 'internalHost'> {
  return {
    port: env.HTTP_PORT,
    ...(env.HTTP_HOST ? { host: env.HTTP_HOST } : {}),
    internalPort: internalHttpPort(env.HTTP_PORT, env.INTERNAL_HTTP_PORT),
    ...(env.INTERNAL_HTTP_HOST ? { internalHost: env.INTERNAL_HTTP_HOST } : {}),
    hstsMaxAgeSeconds: env.HSTS_MAX_AGE_SECONDS,
  };
}

/**
 * Starts a Nest HTTP app (health, and whatever the module adds) with security headers and graceful shutdown,
 * plus its internal listener (health and metrics) for operators.
 */
export async function runService(module: DynamicModule, options: RunServiceOptions): Promise<RunningService> {
  const logger = createLogger('bootstrap', { service: options.service });
  const app = await NestFactory.create(module, { logger: new PinoNestLogger(options.service), bufferLogs: false });
  app.enableShutdownHooks();
  tuneHttpServer(app);
  // First middleware: even a 413 from captureRawBody carries the headers.
  hardenHttp(app, { ...(options.hstsMaxAgeSeconds === undefined ? {} : { hstsMaxAgeSeconds: options.hstsMaxAgeSeconds }) });
  instrumentHttp(app, observabilityOf(app));
  if (options.rawBodyPaths?.length) captureRawBody(app, options.rawBodyPaths);
  const internal = await startInternalHttp(app, {
    service: options.service,
    port: options.internalPort ?? internalHttpPort(options.port),
    ...(options.internalHost ? { host: options.internalHost } : {}),
    ...(options.hstsMaxAgeSeconds === undefined ? {} : { hstsMaxAgeSeconds: options.hstsMaxAgeSeconds }),
  });
  await listenPublic(app, options.port, options.host ?? '0.0.0.0');
  logger.info({ port: options.port, internalPort: internal.port }, `${options.service} listening (metrics on the internal port)`);
  return { app, internal };
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

/**
 * Pending connections the kernel queues before the app accepts them (Node's default is 511; the kernel caps it at
 * net.core.somaxconn). Thousands of desktops reconnecting after a deploy, or a burst of new REST connections, arrive
 * together; past 511 the kernel drops their SYNs and each client waits out 1 s, 3 s, 7 s retransmits.
 */
export const PUBLIC_LISTEN_BACKLOG = 4096;

/** `app.listen` with PUBLIC_LISTEN_BACKLOG. Nest passes extra arguments to Node's `server.listen(port, host, backlog)`. */
export async function listenPublic(app: INestApplication, port: number, host: string): Promise<void> {
  // Nest's typings list only (port, host, callback); NestApplication.listen forwards every argument unchanged.
  const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
  await listen(port, host, PUBLIC_LISTEN_BACKLOG);
}

const DEFAULT_RAW_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * Keeps the request bodies of `paths` as raw bytes (`req.rawBody`, as Nest's own rawBody option names it) instead of
 * parsing them. Nest's rawBody option is not enough for signed webhooks: its JSON parser answers malformed JSON with
 * 400 before any handler could check the signature or keep the body. Call before app.listen(): Nest installs its
 * parsers at init, after this middleware, and they skip a body already read.
 */
export function captureRawBody(app: INestApplication, paths: readonly string[], limitBytes = DEFAULT_RAW_BODY_LIMIT): void {
  const wanted = new Set(paths.map((p) => p.replace(/\/+$/, '')));
  app.use((req: IncomingMessage & { rawBody?: Buffer }, res: ServerResponse, next: (error?: unknown) => void) => {
    const path = (req.url ?? '').split('?')[0]?.replace(/\/+$/, '') ?? '';
    if (!wanted.has(path) || req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        res.statusCode = 413;
        res.setHeader('connection', 'close');
        res.end();
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      req.rawBody = Buffer.concat(chunks);
      next();
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      next(error);
    });
  });
}
