import { type AddressInfo } from 'node:net';

import { Controller, type DynamicModule, Get, Header, type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { DEFAULT_HSTS_MAX_AGE_SECONDS, hardenHttp, type HardenHttpOptions, SWAGGER_UI_CSP_DIRECTIVES } from './http-hardening.util';
import { answerHealth, type HealthReport, type Observability, observabilityOf } from './observability.module';
import { PinoNestLogger } from './pino-nest-logger.adapter';

/** Where Perch serves its OpenAPI UI on the internal listener; it alone gets Swagger UI's relaxed CSP. */
export const INTERNAL_DOCS_PATH = '/api/docs';

/** The internal listener sits this far above the public port unless INTERNAL_HTTP_PORT says otherwise. */
export const INTERNAL_PORT_OFFSET = 1000;

export interface InternalHttpOptions {
  service: string;
  /** 0 picks a free port (tests); see internalHttpPort for the default. */
  port: number;
  /** Defaults to 0.0.0.0: Prometheus and Kubernetes probes reach a pod on its own address, never on its loopback. */
  host?: string;
  hstsMaxAgeSeconds?: number;
  /** Adds internal-only routes before the listener starts, e.g. `(internal) => setupGatewayOpenApi(app, internal)`. */
  configure?: (internal: INestApplication) => void;
  /** Nest's logger for the internal app; the service's pino logger unless given (false silences it). */
  logger?: LoggerService | false;
  /** What /health and /metrics answer from; by default the public app's ObservabilityModule. */
  observability?: Observability;
}

export interface InternalHttp {
  app: INestApplication;
  /** The port actually bound (differs from options.port when that was 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * The internal port: INTERNAL_HTTP_PORT when set, otherwise the public port + 1000 (gateway 3000 → 4000, ingestor
 * 3101 → 4101 …) so several apps on one host never collide, and 0 (any free port) when the public port is 0.
 */
export function internalHttpPort(httpPort: number, explicit?: number): number {
  if (explicit !== undefined) return explicit;
  if (httpPort === 0) return 0;
  const port = httpPort + INTERNAL_PORT_OFFSET;
  if (port > 65_535) throw new Error(`INTERNAL_HTTP_PORT must be set when HTTP_PORT (${httpPort}) is above ${65_535 - INTERNAL_PORT_OFFSET}`);
  return port;
}

function internalModule(observability: Observability): DynamicModule {
  @Controller()
  class InternalObservabilityController {
    @Get('health')
    health(): Promise<HealthReport> {
      return answerHealth(observability);
    }

    @Get('metrics')
    @Header('content-type', 'text/plain; version=0.0.4')
    metrics(): Promise<string> {
      return observability.registry.metrics();
    }
  }

  @Module({ controllers: [InternalObservabilityController] })
  class InternalHttpModule {}

  return { module: InternalHttpModule };
}

/**
 * The operators' listener: /health, /metrics and whatever `configure` adds (the OpenAPI document), on a port the
 * ingress never routes to, so agents and the internet cannot read metrics or the API map. It reads the public
 * app's ObservabilityModule, starts before the public app listens (so a harness that saw the public /health can
 * scrape at once) and closes when the public server closes.
 */
export async function startInternalHttp(publicApp: INestApplication, options: InternalHttpOptions): Promise<InternalHttp> {
  const observability = options.observability ?? observabilityOf(publicApp);
  const internal = await NestFactory.create(internalModule(observability), {
    logger: options.logger ?? new PinoNestLogger(`${options.service}-internal`),
  });
  const hardening: HardenHttpOptions = {
    hstsMaxAgeSeconds: options.hstsMaxAgeSeconds ?? DEFAULT_HSTS_MAX_AGE_SECONDS,
    cspOverrides: [{ pathPrefix: INTERNAL_DOCS_PATH, directives: SWAGGER_UI_CSP_DIRECTIVES }],
  };
  hardenHttp(internal, hardening);
  options.configure?.(internal);
  await internal.listen(options.port, options.host ?? '0.0.0.0');
  const port = (internal.getHttpServer().address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= internal.close());
  (publicApp.getHttpServer() as { once(event: 'close', listener: () => void): unknown }).once('close', () => void close());
  return { app: internal, port, close };
}
