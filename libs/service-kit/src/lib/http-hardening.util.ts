import { type IncomingMessage, type ServerResponse } from 'node:http';

import { type INestApplication } from '@nestjs/common';
import helmet from 'helmet';

/** One CSP directive's sources; a function is asked per request (e.g. for the request's own host). */
export type CspSource = string | ((req: IncomingMessage) => string);
export type CspDirectives = Readonly<Record<string, readonly CspSource[]>>;

export interface HardenHttpOptions {
  /**
   * Strict-Transport-Security max-age in seconds; 0 sends no HSTS header. Browsers ignore the header on plain
   * http, so it is harmless in development and takes effect once a TLS-terminating ingress is in front.
   */
  hstsMaxAgeSeconds?: number;
  /** Paths (by prefix) whose answers carry another CSP instead of the default one, e.g. Swagger UI's. */
  cspOverrides?: readonly { pathPrefix: string; directives: CspDirectives }[];
}

export const DEFAULT_HSTS_MAX_AGE_SECONDS = 31_536_000;

/** Only a plain host[:port] (name, IPv4 or bracketed IPv6) may be echoed into the CSP; anything else is dropped. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The agent desktop's socket (`ws(s)://<same host>/ws`). CSP 3 lets 'self' cover it, but older browsers need the
 * ws:/wss: origin spelled out; it is taken from the request's Host, i.e. the host the browser itself asked for.
 */
export function sameHostWebSocketSources(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return PLAIN_HOST.test(host) ? `ws://${host} wss://${host}` : '';
}

/**
 * What the agent desktop (the SPA of apps/agent-desktop) needs and nothing more: its own scripts, styles,
 * favicon and API, its WebSocket, and no inline script, no framing, no plugins. The JSON API gets it too.
 */
export const DEFAULT_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", sameHostWebSocketSources],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Swagger UI's page carries an inline <style> and style attributes; it is served on the internal listener only. */
export const SWAGGER_UI_CSP_DIRECTIVES: CspDirectives = {
  ...DEFAULT_CSP_DIRECTIVES,
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'"],
};

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function helmetWith(directives: CspDirectives, hstsMaxAgeSeconds: number): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(directives).map(([name, sources]) => [name, [...sources]])),
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    // No includeSubDomains: a self-hosted install must not decide for every other site under its parent domain.
    strictTransportSecurity: hstsMaxAgeSeconds > 0 ? { maxAge: hstsMaxAgeSeconds, includeSubDomains: false } : false,
    xContentTypeOptions: true,
    xFrameOptions: { action: 'deny' },
    xPoweredBy: true,
  });
}

/**
 * Security headers for every answer, including errors and 404s: it runs before any route or parser, so whatever
 * answers later (a controller, a static file, Nest's exception filter) answers with them already set.
 */
export function httpHardeningMiddleware(options: HardenHttpOptions = {}): Middleware {
  const hsts = options.hstsMaxAgeSeconds ?? DEFAULT_HSTS_MAX_AGE_SECONDS;
  const standard = helmetWith(DEFAULT_CSP_DIRECTIVES, hsts);
  const overrides = (options.cspOverrides ?? []).map((o) => ({ pathPrefix: o.pathPrefix, handler: helmetWith(o.directives, hsts) }));
  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const override = overrides.find((o) => path.startsWith(o.pathPrefix));
    (override?.handler ?? standard)(req, res, next);
  };
}

/** Installs httpHardeningMiddleware on a Nest app. Call right after NestFactory.create, before any other app.use. */
export function hardenHttp(app: INestApplication, options: HardenHttpOptions = {}): void {
  app.use(httpHardeningMiddleware(options));
}
