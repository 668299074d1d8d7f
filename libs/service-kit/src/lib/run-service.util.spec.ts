import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';

import { Body, Controller, type INestApplication, Module, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { captureRawBody, listenPublic, PUBLIC_LISTEN_BACKLOG } from './run-service.util';

@Controller()
class EchoController {
  @Post('signed')
  signed(@Req() req: RawBodyRequest<IncomingMessage> & { body?: unknown }): { raw: string | null; parsed: boolean } {
    return { raw: req.rawBody ? req.rawBody.toString('utf8') : null, parsed: req.body !== undefined };
  }

  @Post('json')
  json(@Body() body: unknown): unknown {
    return { got: body };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe(captureRawBody.name, () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(EchoModule, { logger: false });
    captureRawBody(app, ['/signed'], 1024);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('keeps the exact bytes of a captured path and does not parse them, even when they are not JSON', async () => {
    const response = await post('/signed?x=1', '{ "a" :1, broken');
    expect(await response.json()).toEqual({ raw: '{ "a" :1, broken', parsed: false });
  });

  it('leaves every other path to Nest’s JSON parsing', async () => {
    expect(await (await post('/json', '{"a":1}')).json()).toEqual({ got: { a: 1 } });
    expect((await post('/json', '{"a":')).status).toBe(400);
  });

  it('refuses a captured body over the limit with 413', async () => {
    expect((await post('/signed', `"${'x'.repeat(2048)}"`)).status).toBe(413);
  });
});

describe(listenPublic.name, () => {
  it('asks the kernel for a listen queue of 4,096 pending connections instead of Node’s 511, so a reconnect storm is not dropped', async () => {
    const app = await NestFactory.create(EchoModule, { logger: false });
    try {
      await listenPublic(app, 0, '127.0.0.1');
      const port = (app.getHttpServer() as { address(): AddressInfo }).address().port;
      // For a listening socket, ss reports the accept queue's size in Send-Q (the backlog, capped at somaxconn).
      const [line] = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim().split('\n');
      const queue = Number(line?.trim().split(/\s+/)[2]);
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      // 4,096 here (somaxconn 4096), where Node's default would show 511; a kernel capped lower shows its own cap.
      expect(queue).toBe(Math.min(PUBLIC_LISTEN_BACKLOG, somaxconn));
    } finally {
      await app.close();
    }
  });
});
