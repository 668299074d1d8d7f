import { type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import { type INestApplication } from '@nestjs/common';
import { Histogram, type Registry } from 'prom-client';

export const HTTP_REQUEST_DURATION_METRIC = 'perch_http_request_duration_seconds';

/** Seconds: the desktop's actions answer in milliseconds; sign-in's password derivation and X lookups take longer. */
export const HTTP_REQUEST_DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched (404s, refusals before routing, probes for random paths). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The status label of a request whose client went away before the answer was sent. */
export const ABORTED_STATUS = 'aborted';

type HttpRequestLabel = 'method' | 'route' | 'status';

export type HttpRequestDurations = Histogram<HttpRequestLabel>;

/** Methods that label as themselves; anything else is 'OTHER', so a client cannot mint label values. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What Express leaves on a request once a route handled it: the route's template, not the path asked for. */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown; methods?: Record<string, boolean | undefined> };
}

export function registerHttpRequestDurations(registry: Registry): HttpRequestDurations {
  return new Histogram<HttpRequestLabel>({
    name: HTTP_REQUEST_DURATION_METRIC,
    help: 'Time from a request reaching the app to its answer being sent, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [...HTTP_REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
}

/**
 * The route label: the matched route's template (`/api/interactions/:interactionId/accept`), never the raw path, so
 * the series stay bounded by the app's routes whatever paths clients send. Nest mounts a module's middleware as an
 * Express route for every method (`app.all`), which stays on the request when no handler follows (a 404, or the REST
 * intake's 503). A Nest handler's route holds its one method, so a route holding more is no handler: unmatched.
 */
export function routeLabelOf(req: RoutedRequest): string {
  const route = req.route;
  if (route === undefined || typeof route.path !== 'string' || !holdsOneMethod(route.methods)) return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${route.path}`;
}

function holdsOneMethod(methods: Record<string, boolean | undefined> | undefined): boolean {
  if (methods === undefined) return false;
  let held = 0;
  for (const method in methods) {
    // Express 4 marks `all` routes with `_all`; Express 5 lists every method.
    if (method === '_all' || (methods[method] === true && ++held > 1)) return false;
  }
  return held === 1;
}

/** Express/Connect middleware timing every request from its arrival to its answer (or its client going away). */
export function httpRequestTimingMiddleware(durations: HttpRequestDurations): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const start = performance.now();
    let observed = false;
    const observe = (status: string): void => {
      if (observed) return;
      observed = true;
      const method = req.method !== undefined && KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
      durations.observe({ method, route: routeLabelOf(req), status }, (performance.now() - start) / 1_000);
    };
    res.once('finish', () => observe(String(res.statusCode)));
    // 'close' also follows every 'finish'; alone, it means the client left before the answer went out.
    res.once('close', () => observe(ABORTED_STATUS));
    next();
  };
}

/**
 * Times every request to the app's public listener on the given registry's histogram (the app's Observability, see
 * observabilityOf). Call right after hardenHttp, before any other app.use, so refusals made before routing count too.
 */
export function instrumentHttp(app: INestApplication, observability: { readonly httpRequestDurations: HttpRequestDurations }): void {
  app.use(httpRequestTimingMiddleware(observability.httpRequestDurations));
}
