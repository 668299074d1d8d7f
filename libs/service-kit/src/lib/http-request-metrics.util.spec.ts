import 'reflect-metadata';

import { type AddressInfo } from 'node:net';

import { Controller, Get, HttpCode, type INestApplication, type MiddlewareConsumer, Module, type NestModule, Param, Post, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { hardenHttp } from './http-hardening.util';
import { ABORTED_STATUS, HTTP_REQUEST_DURATION_METRIC, instrumentHttp, UNMATCHED_ROUTE } from './http-request-metrics.util';
import { createObservability, type Observability } from './observability.module';

/** Resolved by the test once the slow handler holds its request, so the client can leave before the answer. */
let slowArrived: () => void = () => undefined;

@Controller('api/interactions')
class InteractionsController {
  @Get(':interactionId')
  one(@Param('interactionId') interactionId: string): { interactionId: string } {
    return { interactionId };
  }

  @Post(':interactionId/accept')
  @HttpCode(202)
  accept(): Record<string, never> {
    return {};
  }

  @Get(':interactionId/slow')
  async slow(): Promise<string> {
    slowArrived();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return 'late';
  }
}

/** A module middleware over /api, as the gateway's REST intake bound is mounted: Nest makes it an Express `all` route. */
@Module({ controllers: [InteractionsController] })
class SampleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply((_req: unknown, _res: unknown, next: () => void) => next()).forRoutes({ path: 'api/*path', method: RequestMethod.ALL });
  }
}

interface Series {
  labels: Record<string, string | number>;
  value: number;
}

describe('perch_http_request_duration_seconds', () => {
  let app: INestApplication;
  let observability: Observability;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(SampleModule, { logger: false });
    hardenHttp(app);
    observability = createObservability({ service: 'sample' });
    instrumentHttp(app, observability);
    // A refusal made before routing, as the gateway's REST intake bound answers 503 (ADR 41).
    app.use('/api/refused', (_req: unknown, res: { statusCode: number; end(): void }) => {
      res.statusCode = 503;
      res.end();
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => observability.httpRequestDurations.reset());

  async function counts(): Promise<Series[]> {
    const { values } = await observability.httpRequestDurations.get();
    return values.filter((v) => v.metricName === `${HTTP_REQUEST_DURATION_METRIC}_count`).map(({ labels, value }) => ({ labels, value }));
  }

  async function call(method: string, path: string): Promise<number> {
    const response = await fetch(`${base}${path}`, { method });
    await response.arrayBuffer();
    return response.status;
  }

  /** 'finish' fires once the answer is handed to the socket, which can be a moment after the client read it. */
  async function settledCounts(total: number): Promise<Series[]> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const series = await counts();
      if (series.reduce((sum, s) => sum + s.value, 0) >= total) return series;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return counts();
  }

  it('labels each answer with its route template, method and status, so two interactions share one series', async () => {
    expect(await call('GET', '/api/interactions/i-1')).toBe(200);
    expect(await call('GET', '/api/interactions/i-2')).toBe(200);
    expect(await call('POST', '/api/interactions/i-1/accept')).toBe(202);
    expect(await settledCounts(3)).toEqual(
      expect.arrayContaining([
        { labels: { method: 'GET', route: '/api/interactions/:interactionId', status: '200' }, value: 2 },
        { labels: { method: 'POST', route: '/api/interactions/:interactionId/accept', status: '202' }, value: 1 },
      ]),
    );
    expect(await counts()).toHaveLength(2);
  });

  it('puts every path no route matched, and methods it does not know, under one label each, whatever a client sends', async () => {
    for (let i = 0; i < 40; i += 1) expect(await call('GET', `/probe-${i}/${'x'.repeat(i)}`)).toBe(404);
    expect(await call('PROPFIND', '/api/interactions/i-1')).toBe(404);
    // Under /api the middleware's `all` route matched, and no handler: still unmatched, not '/api/*path'.
    expect(await call('DELETE', '/api/interactions/i-1')).toBe(404);
    expect(await settledCounts(42)).toEqual([
      { labels: { method: 'GET', route: UNMATCHED_ROUTE, status: '404' }, value: 40 },
      { labels: { method: 'OTHER', route: UNMATCHED_ROUTE, status: '404' }, value: 1 },
      { labels: { method: 'DELETE', route: UNMATCHED_ROUTE, status: '404' }, value: 1 },
    ]);
  });

  it('counts a refusal made before routing with its status', async () => {
    expect(await call('POST', '/api/refused')).toBe(503);
    expect(await settledCounts(1)).toEqual([{ labels: { method: 'POST', route: UNMATCHED_ROUTE, status: '503' }, value: 1 }]);
  });

  it('counts a request whose client left before the answer as aborted, once', async () => {
    const arrived = new Promise<void>((resolve) => {
      slowArrived = resolve;
    });
    const client = new AbortController();
    const request = fetch(`${base}/api/interactions/i-1/slow`, { signal: client.signal }).catch((error: unknown) => error);
    await arrived;
    client.abort();
    await request;
    expect(await settledCounts(1)).toEqual([{ labels: { method: 'GET', route: '/api/interactions/:interactionId/slow', status: ABORTED_STATUS }, value: 1 }]);
    // The handler still answers into the closed socket later; that must not count the request a second time.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect(await counts()).toEqual([{ labels: { method: 'GET', route: '/api/interactions/:interactionId/slow', status: ABORTED_STATUS }, value: 1 }]);
  });

  it('measures the time to the answer in seconds', async () => {
    expect(await call('GET', '/api/interactions/i-3')).toBe(200);
    await settledCounts(1);
    const { values } = await observability.httpRequestDurations.get();
    const sum = values.find((v) => v.metricName === `${HTTP_REQUEST_DURATION_METRIC}_sum`)?.value ?? -1;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(5);
  });
});
