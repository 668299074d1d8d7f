import 'reflect-metadata';

import { type AddressInfo } from 'node:net';

import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { hardenHttp } from './http-hardening.util';
import { type InternalHttp, internalHttpPort, startInternalHttp } from './internal-http.util';
import { ObservabilityModule } from './observability.module';

@Controller('api')
class ThingsController {
  @Get('things')
  things(): string[] {
    return ['a'];
  }
}

@Module({ imports: [ObservabilityModule.register({ service: 'sample', checks: [{ name: 'always', check: () => true }] })], controllers: [ThingsController] })
class SampleModule {}

describe(startInternalHttp.name, () => {
  let app: INestApplication;
  let internal: InternalHttp;
  let publicBase: string;
  let internalBase: string;

  beforeAll(async () => {
    app = await NestFactory.create(SampleModule, { logger: false });
    hardenHttp(app);
    internal = await startInternalHttp(app, {
      service: 'sample',
      port: 0,
      host: '127.0.0.1',
      logger: false,
      configure: (served) =>
        SwaggerModule.setup('api/docs', served, () => SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('sample').build()), {
          jsonDocumentUrl: 'api/docs-json',
        }),
    });
    await app.listen(0, '127.0.0.1');
    publicBase = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    internalBase = `http://127.0.0.1:${internal.port}`;
  });
  afterAll(async () => {
    await app.close();
    await internal.close();
  });

  it('keeps /metrics and the API docs off the public listener', async () => {
    for (const path of ['/metrics', '/api/docs', '/api/docs-json']) {
      const response = await fetch(`${publicBase}${path}`);
      await response.arrayBuffer();
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    expect(await (await fetch(`${publicBase}/api/things`)).json()).toEqual(['a']);
  });

  it('serves /health on both listeners, answered by this process', async () => {
    for (const base of [publicBase, internalBase]) {
      const response = await fetch(`${base}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', service: 'sample', pid: process.pid });
    }
  });

  it('serves Prometheus metrics on the internal listener, with the security headers', async () => {
    const response = await fetch(`${internalBase}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('perch_event_loop_utilization{service="sample"}');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the OpenAPI document and UI on the internal listener, the UI alone with a relaxed style policy', async () => {
    const json = await fetch(`${internalBase}/api/docs-json`);
    expect(json.status).toBe(200);
    expect(Object.keys((await json.json()) as { paths: object }).length).toBeGreaterThan(0);
    const ui = await fetch(`${internalBase}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const csp = ui.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const bundle = await fetch(`${internalBase}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(0);
    const metrics = await fetch(`${internalBase}/metrics`);
    await metrics.text();
    const metricsCsp = metrics.headers.get('content-security-policy') ?? '';
    expect(metricsCsp).not.toContain('unsafe-inline');
  });

  it('lists the API document’s paths from the public app', async () => {
    const document = (await (await fetch(`${internalBase}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/api/things');
  });
});

describe(internalHttpPort.name, () => {
  it('sits 1000 above the public port unless given, and stays ephemeral with an ephemeral public port', () => {
    expect(internalHttpPort(3000)).toBe(4000);
    expect(internalHttpPort(3000, 9100)).toBe(9100);
    expect(internalHttpPort(0)).toBe(0);
    expect(() => internalHttpPort(65_000)).toThrow(/INTERNAL_HTTP_PORT/);
  });
});
