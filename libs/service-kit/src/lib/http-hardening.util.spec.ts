import 'reflect-metadata';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BadRequestException, Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';

import { hardenHttp, sameHostWebSocketSources } from './http-hardening.util';

@Controller()
class SampleController {
  @Get('json')
  json(): { ok: true } {
    return { ok: true };
  }

  @Get('boom')
  boom(): never {
    throw new BadRequestException('no');
  }
}

@Module({ controllers: [SampleController] })
class SampleModule {}

function expectHardened(response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
  expect(csp).not.toContain('unsafe-inline');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(response.headers.get('strict-transport-security')).toBe('max-age=600');
  expect(response.headers.get('x-powered-by')).toBeNull();
}

describe(hardenHttp.name, () => {
  let app: NestExpressApplication;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perch-harden-'));
    writeFileSync(join(dir, 'page.html'), '<!doctype html><title>x</title>');
    app = await NestFactory.create<NestExpressApplication>(SampleModule, { logger: false });
    hardenHttp(app, { hstsMaxAgeSeconds: 600 });
    app.useStaticAssets(dir);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the security headers with a JSON answer', async () => {
    const response = await fetch(`${base}/json`);
    expect(response.status).toBe(200);
    expectHardened(response);
  });

  it('sends them with a static file', async () => {
    const response = await fetch(`${base}/page.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expectHardened(response);
  });

  it('sends them with an error answer', async () => {
    const response = await fetch(`${base}/boom`);
    expect(response.status).toBe(400);
    expectHardened(response);
  });

  it('sends them with a 404', async () => {
    const response = await fetch(`${base}/nothing-here`);
    expect(response.status).toBe(404);
    expectHardened(response);
  });

  it('sends no HSTS header when its max-age is 0', async () => {
    const plain = await NestFactory.create(SampleModule, { logger: false });
    hardenHttp(plain, { hstsMaxAgeSeconds: 0 });
    await plain.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${(plain.getHttpServer().address() as AddressInfo).port}/json`);
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    } finally {
      await plain.close();
    }
  });
});

describe(sameHostWebSocketSources.name, () => {
  const withHost = (host: string | undefined) => sameHostWebSocketSources({ headers: host === undefined ? {} : { host } } as never);

  it('names the ws: and wss: origins of the host the browser asked for', () => {
    expect(withHost('desk.example.com')).toBe('ws://desk.example.com wss://desk.example.com');
    expect(withHost('[::1]:3000')).toBe('ws://[::1]:3000 wss://[::1]:3000');
  });

  it('drops a Host that could smuggle another directive into the policy', () => {
    expect(withHost("evil.com; script-src 'unsafe-inline'")).toBe('');
    expect(withHost(undefined)).toBe('');
  });
});
