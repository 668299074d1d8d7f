import 'reflect-metadata';

import { type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';

import { Body, Controller, type INestApplication, Module, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { captureRawBody } from './run-service.util';

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
