import type { IncomingMessage, ServerResponse } from 'node:http';

import type { RateLimitedEndpoint } from '../state/rate-limit.types';
import type { Principal } from '../state/simulator-store.domain';
import type { SimulatorRuntime } from '../simulator-runtime.types';
import type { SimUser } from '../state/simulator-state.types';

/** Who may call a route: the app bearer, a user token, either, or nobody in particular (admin). */
export type RouteAuth = 'app' | 'user' | 'app-or-user' | 'none';

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Undefined only on routes with auth 'none'. */
  readonly principal: Principal | undefined;
  readonly runtime: SimulatorRuntime;
  /** Headers computed before the handler ran (rate limits); handlers that stream must send them. */
  readonly headers: Record<string, string>;
}

export interface JsonResult {
  status: number;
  body?: unknown;
  /** Defaults to application/json, or application/problem+json for status >= 400. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** The handler took over the response (the stream). */
export const STREAMING = Symbol('streaming');

export type RouteResult = JsonResult | typeof STREAMING;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** "/2/users/:id/mentions"; parameters are single path segments. */
  path: string;
  auth: RouteAuth;
  rateLimit?: RateLimitedEndpoint;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

/** A path parameter the route pattern declares (the router always fills those). */
export function pathParam(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}

/** The calling user when the token is a user's; undefined under the app bearer. */
export function viewerOf(ctx: RouteContext): SimUser | undefined {
  return ctx.principal?.kind === 'user' ? ctx.principal.user : undefined;
}

/** The calling user on routes declared auth 'user' (the router has already refused app-only tokens). */
export function callerOf(ctx: RouteContext): SimUser {
  const user = viewerOf(ctx);
  if (!user) throw new Error('route requires a user principal');
  return user;
}

export function ok(body: unknown, status = 200): JsonResult {
  return { status, body };
}

export function problemResult(status: number, body: unknown, headers?: Record<string, string>): JsonResult {
  return { status, body, contentType: 'application/problem+json', headers };
}
