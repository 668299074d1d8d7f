import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NotFoundError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayController } from '../http/gateway-endpoint.decorator';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};

// Plain names only (no dots, no slashes): nothing outside desktopDir can be named.
const ASSET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/**
 * Serves the agent desktop's static files from options.desktopDir. Only `/` and `/<name>.<ext>` with a
 * known extension are routed, so other modules' routes in the same app (e.g. /metrics) stay reachable.
 */
@ApiExcludeController()
@GatewayController()
@Controller()
export class DesktopController {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  index(): Promise<StreamableFile> {
    return this.serve('index', 'html');
  }

  @Get(':asset.:ext')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  asset(@Param('asset') asset: string, @Param('ext') ext: string): Promise<StreamableFile> {
    return this.serve(asset, ext);
  }

  private async serve(name: string, ext: string): Promise<StreamableFile> {
    const type = CONTENT_TYPES[ext];
    if (type === undefined || !ASSET_NAME.test(name)) throw new NotFoundError(`No such file: ${name}.${ext}`);
    try {
      const content = await readFile(join(this.options.desktopDir, `${name}.${ext}`));
      return new StreamableFile(content, { type, length: content.length });
    } catch {
      throw new NotFoundError(`No such file: ${name}.${ext}`);
    }
  }
}
