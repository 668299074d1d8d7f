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

/** Paths the SPA routes itself; a reload on one gets the page. */
export const SPA_ROUTES = ['supervisor', 'supervisor/{*rest}', 'admin', 'admin/{*rest}', 'contacts', 'contacts/{*rest}'];

/**
 * Serves the agent desktop, a single-page app built by Vite (apps/agent-desktop; docs/adr/0022), from
 * options.desktopDir: its index.html at `/` and at each of the SPA's own routes (`/supervisor`, `/admin`, `/contacts` and below, so a
 * reload there works), its bundles at `/assets/<name>.<ext>` and its public files at `/<name>.<ext>`. Nothing else is
 * routed, so other modules' routes in the same app (e.g. /metrics, /api) stay reachable.
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

  // The SPA's routes (apps/agent-desktop/src/app/app-routes.util.ts): the page itself, which routes in the browser.
  @Get(SPA_ROUTES)
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  route(): Promise<StreamableFile> {
    return this.serve('index', 'html');
  }

  @Get(':asset.:ext')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  asset(@Param('asset') asset: string, @Param('ext') ext: string): Promise<StreamableFile> {
    return this.serve(asset, ext);
  }

  // Vite's bundles: content-hashed names, so a browser may keep them for good.
  @Get('assets/:asset.:ext')
  @Header('Cache-Control', 'public, max-age=31536000, immutable')
  @Header('X-Content-Type-Options', 'nosniff')
  bundle(@Param('asset') asset: string, @Param('ext') ext: string): Promise<StreamableFile> {
    return this.serve(asset, ext, 'assets');
  }

  private async serve(name: string, ext: string, folder = ''): Promise<StreamableFile> {
    const type = CONTENT_TYPES[ext];
    if (type === undefined || !ASSET_NAME.test(name)) throw new NotFoundError(`No such file: ${name}.${ext}`);
    try {
      const content = await readFile(join(this.options.desktopDir, folder, `${name}.${ext}`));
      return new StreamableFile(content, { type, length: content.length });
    } catch {
      throw new NotFoundError(`No such file: ${name}.${ext}`);
    }
  }
}
