import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createLogger, errorMessage } from '@perch/platform';

import { AdminOperations } from './admin/admin-operations.domain';
import type { AdminAccountView, AdminDmView, AdminTweetView } from './admin/admin-views.util';
import { dmRoutes } from './dms/dms.routes';
import { adminRoutes } from './admin/admin.routes';
import { TrafficGenerator, type GeneratorSpec, type GeneratorStatus } from './generator/traffic-generator.domain';
import { tokenFromAuthorization } from './http/auth.util';
import { faultResponse, HttpFaults, type HttpFaultsSpec } from './http/http-faults.util';
import {
  invalidRequest,
  notFoundRoute,
  tooManyRequests,
  unauthorized,
  unsupportedAuthentication,
} from './http/problems.util';
import { STREAMING, type JsonResult, type RouteContext } from './http/route.types';
import { Router } from './http/router.util';
import { simulatorStats } from './simulator-stats.util';
import type { SimulatorCounters, SimulatorRuntime } from './simulator-runtime.types';
import type { RateLimitPreset, RateLimitTable } from './state/rate-limit.types';
import { rateLimitPreset } from './state/rate-limits.constants';
import { RateLimiter } from './state/rate-limiter.util';
import { SimulatorStore } from './state/simulator-store.domain';
import { streamRoutes } from './stream/stream.routes';
import { StreamHub } from './stream/stream-hub.domain';
import { tweetRoutes } from './tweets/tweets.routes';
import { userRoutes } from './users/users.routes';
import { WebhookHub, type WebhookFaults, type WebhookFaultsSpec, type WebhookView } from './webhooks/webhook-hub.domain';
import { webhookRoutes } from './webhooks/webhooks.routes';
import {
  DEFAULT_QUIRKS,
  SIMULATED_APP,
  type ResolvedSimulatorSettings,
  type SimulatorStats,
  type XSimulatorOptions,
} from './x-simulator.types';

const MAX_BODY_BYTES = 1024 * 1024;

const router = new Router([...streamRoutes, ...tweetRoutes, ...userRoutes, ...dmRoutes, ...webhookRoutes, ...adminRoutes]);

export interface CreateAccountInput {
  username: string;
  kind: 'brand' | 'customer';
  name?: string;
  token?: string;
  followersCount?: number;
  followingCount?: number;
  tweetCount?: number;
  followsBrand?: string[];
  description?: string;
  verified?: boolean;
  protected?: boolean;
  receivesYourDm?: boolean;
}

export interface CreateTweetInput {
  authorUsername?: string;
  authorId?: string;
  text: string;
  inReplyToTweetId?: string;
  quoteTweetId?: string;
}

/** A DM as if typed in the X app: no rate limit, but X's who-may-write-to-whom rule still applies. */
export interface SendDirectMessageInput {
  fromUsername?: string;
  fromId?: string;
  toUsername?: string;
  toId?: string;
  text: string;
}

/**
 * A local stand-in for the X API v2 on node:http: filtered stream, rules, tweets, users, follows,
 * mentions, with X's wire format, problem bodies and rate-limit headers, plus an /admin API to
 * script accounts, customer tweets, traffic and faults. See libs/x-simulator/README.md.
 */
export class XSimulator {
  readonly runtime: SimulatorRuntime;
  private readonly log = createLogger('x-simulator');
  private server: Server | undefined;
  private url: string | undefined;
  private readonly admin: AdminOperations;

  constructor(options: XSimulatorOptions = {}) {
    const now = options.now ?? Date.now;
    const settings: ResolvedSimulatorSettings = {
      appBearerToken: options.seed?.appBearerToken ?? 'perch-app-bearer',
      brands: options.seed?.brands ?? [],
      keepAliveMs: options.keepAliveMs ?? 20_000,
      host: options.host ?? '127.0.0.1',
      maxStreamConnections: options.maxStreamConnections ?? 1,
      maxStoredTweets: options.maxStoredTweets ?? 100_000,
      duplicateLookback: options.duplicateLookback ?? 50,
      slowReaderBytes: options.slowReaderBytes ?? 64 * 1024 * 1024,
      quirks: { ...DEFAULT_QUIRKS, ...options.quirks },
      consumerSecret: options.consumerSecret ?? 'perch-consumer-secret',
      maxWebhooks: options.maxWebhooks ?? 1,
      maxWebhookSubscriptions: options.maxWebhookSubscriptions ?? 1,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 3_000,
    };
    const store = new SimulatorStore({
      maxStoredTweets: settings.maxStoredTweets,
      autoPopulateReplyMentions: settings.quirks.autoPopulateReplyMentions,
      now,
    });
    const table = resolveTable(options.rateLimits ?? 'realistic');
    const rateLimiter = new RateLimiter(table, now);
    const stream = new StreamHub(store, {
      keepAliveMs: settings.keepAliveMs,
      slowReaderBytes: settings.slowReaderBytes,
      maxConnections: settings.maxStreamConnections,
    });
    const counters: SimulatorCounters = {
      requests: 0,
      rateLimited: 0,
      tweetsByOrigin: { api: 0, admin: 0, generator: 0 },
      dmsByOrigin: { api: 0, admin: 0, generator: 0 },
    };
    const generator = new TrafficGenerator(store, counters, now);
    const webhooks = new WebhookHub(store, {
      consumerSecret: settings.consumerSecret,
      maxWebhooks: settings.maxWebhooks,
      maxSubscriptions: settings.maxWebhookSubscriptions,
      timeoutMs: settings.webhookTimeoutMs,
      allowInsecureUrls: settings.quirks.allowInsecureWebhookUrls,
      truncateTweets: settings.quirks.truncateWebhookTweets,
      app: SIMULATED_APP,
      now,
    });
    store.onTweetCreated((tweet) => {
      stream.publish(tweet);
      webhooks.tweetCreated(tweet);
    });
    store.onTweetDeleted((tweet) => webhooks.tweetDeleted(tweet));
    store.onFollowChange((change) => webhooks.followChanged(change));
    store.onDirectMessage((event) => webhooks.directMessage(event));

    const faults = new HttpFaults();
    const runtime: SimulatorRuntime = {
      store,
      rateLimiter,
      stream,
      generator,
      settings,
      counters,
      faults,
      webhooks,
      now,
      reset: () => {
        faults.clear();
        webhooks.reset();
        generator.stop('reset');
        stream.closeAll();
        stream.resetCounters();
        rateLimiter.setTable(table);
        store.clear();
        counters.requests = 0;
        counters.rateLimited = 0;
        counters.tweetsByOrigin = { api: 0, admin: 0, generator: 0 };
        counters.dmsByOrigin = { api: 0, admin: 0, generator: 0 };
        this.seed();
      },
    };
    this.runtime = runtime;
    this.admin = new AdminOperations(runtime);
    this.seed();
  }

  get baseUrl(): string {
    if (!this.url) throw new Error('XSimulator is not started');
    return this.url;
  }

  get appBearerToken(): string {
    return this.runtime.settings.appBearerToken;
  }

  async start(port = 0): Promise<{ baseUrl: string; port: number }> {
    if (this.server) throw new Error('XSimulator already started');
    const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.runtime.settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    return { baseUrl: this.url, port: address.port };
  }

  async stop(): Promise<void> {
    this.runtime.generator.stop('stopped');
    this.runtime.stream.closeAll();
    this.runtime.webhooks.close();
    const server = this.server;
    this.server = undefined;
    this.url = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- in-process conveniences (same operations as the admin API) -------------------------------

  createAccount(input: CreateAccountInput): AdminAccountView {
    return this.admin.createAccount(input);
  }

  account(username: string): AdminAccountView {
    return this.admin.account(username);
  }

  createTweet(input: CreateTweetInput): AdminTweetView {
    return this.admin.createTweet(input);
  }

  tweetsOf(username: string, limit?: number): AdminTweetView[] {
    return this.admin.tweetsOf(username, limit);
  }

  /** `source` follows `target` now (a follow event for subscribed webhooks). */
  followAccount(sourceUsername: string, targetUsername: string): void {
    this.admin.follow(sourceUsername, targetUsername, true);
  }

  unfollowAccount(sourceUsername: string, targetUsername: string): void {
    this.admin.follow(sourceUsername, targetUsername, false);
  }

  /** A DM typed in the X app (e.g. a customer writing to the brand); refused like the API would. */
  sendDirectMessage(input: SendDirectMessageInput): AdminDmView {
    return this.admin.sendDirectMessage(input);
  }

  /** Stored DM events, newest first; only those `username` takes part in when given. */
  directMessages(username?: string, limit?: number): AdminDmView[] {
    return this.admin.directMessages(username, limit);
  }

  /** Registers a webhook as POST /2/webhooks does (the CRC runs first). */
  registerWebhook(url: string): Promise<WebhookView> {
    return this.admin.registerWebhook(url);
  }

  /** Subscribes an account to a webhook, as POST .../subscriptions/all with its token does. */
  subscribeWebhook(webhookId: string, username: string): WebhookView {
    return this.admin.subscribeWebhook(webhookId, username);
  }

  webhooks(): WebhookView[] {
    return this.runtime.webhooks.list();
  }

  /** X's hourly CRC of every webhook, on demand; the ones that fail turn invalid. */
  runWebhookCrc(): Promise<WebhookView[]> {
    return this.runtime.webhooks.revalidateAll();
  }

  /** Drops, delays or mis-signs the next Account Activity deliveries until cleared. */
  injectWebhookFaults(spec: WebhookFaultsSpec): WebhookFaults {
    return this.runtime.webhooks.setFaults(spec);
  }

  clearWebhookFaults(): void {
    this.runtime.webhooks.clearFaults();
  }

  /** Resolves when every queued webhook delivery has been sent (or failed). */
  webhookDeliveriesSettled(): Promise<void> {
    return this.runtime.webhooks.whenIdle();
  }

  startGenerator(spec: GeneratorSpec): GeneratorStatus {
    return this.runtime.generator.start(spec);
  }

  stopGenerator(): GeneratorStatus {
    return this.runtime.generator.stop('stopped');
  }

  setRateLimits(limits: RateLimitPreset | RateLimitTable): void {
    this.runtime.rateLimiter.setTable(resolveTable(limits));
  }

  /** Makes X slow, down or throttling for the next matching requests (see HttpFaultRule). */
  injectHttpFaults(spec: HttpFaultsSpec): void {
    this.runtime.faults.set(spec);
  }

  clearHttpFaults(): void {
    this.runtime.faults.clear();
  }

  reset(): void {
    this.runtime.reset();
  }

  stats(): SimulatorStats {
    return simulatorStats(this.runtime);
  }

  // ---- request pipeline -------------------------------------------------------------------------

  private seed(): void {
    const { store, settings } = this.runtime;
    store.registerAppToken(settings.appBearerToken);
    for (const brand of settings.brands) {
      store.createUser({
        username: brand.username,
        name: brand.name,
        kind: 'brand',
        token: brand.token,
        description: brand.description,
        verified: brand.verified ?? true,
        createdAt: '2012-03-14T09:00:00.000Z',
        base: {
          followers: brand.followersCount ?? 125_000,
          following: brand.followingCount ?? 310,
          tweets: brand.tweetCount ?? 48_000,
          listed: 420,
          likes: 9_800,
        },
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { runtime } = this;
    runtime.counters.requests++;
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match === undefined) return this.send(res, { status: 404, body: notFoundRoute() });
    if (match === 'method-not-allowed') {
      return this.send(res, { status: 405, body: { title: 'Method Not Allowed', detail: 'Method Not Allowed', type: 'about:blank', status: 405 } });
    }
    const { route, params } = match;

    // Faults play on the X API only; the admin API stays reliable so tests can steer them.
    const isXApi = url.pathname.startsWith('/2/');
    if (isXApi && runtime.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, runtime.faults.latencyMs));
    const fault = isXApi ? runtime.faults.take(req.method ?? 'GET', url.pathname) : undefined;
    if (fault && !fault.afterEffect) {
      await drain(req);
      if (fault.status === 429) runtime.counters.rateLimited++;
      const failure = faultResponse(fault, runtime.now());
      return this.send(res, { status: failure.status, body: failure.body }, failure.headers);
    }

    let principal: RouteContext['principal'];
    if (route.auth !== 'none') {
      const token = tokenFromAuthorization(req.headers.authorization);
      principal = token === undefined ? undefined : runtime.store.principalFor(token);
      if (!principal) {
        await drain(req);
        return this.send(res, { status: 401, body: unauthorized() });
      }
      if (route.auth === 'app' && principal.kind === 'user') {
        return this.send(res, { status: 403, body: unsupportedAuthentication('user') });
      }
      if (route.auth === 'user' && principal.kind === 'app') {
        return this.send(res, { status: 403, body: unsupportedAuthentication('app') });
      }
    }

    const headers: Record<string, string> = {};
    if (route.rateLimit && principal) {
      const outcome = runtime.rateLimiter.consume(
        route.rateLimit,
        principal.kind === 'user' ? { kind: 'user', userId: principal.user.id } : { kind: 'app' },
      );
      Object.assign(headers, outcome.headers);
      if (!outcome.allowed) {
        runtime.counters.rateLimited++;
        await drain(req);
        return this.send(res, { status: 429, body: tooManyRequests() }, headers);
      }
    }

    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      const problem = invalidRequest([{ parameter: 'body', value: '', message: errorMessage(error) }]);
      return this.send(res, { status: 400, body: problem }, headers);
    }

    const ctx: RouteContext = { req, res, url, query: url.searchParams, params, body, principal, runtime, headers };
    const result = await route.handle(ctx);
    if (result === STREAMING) return;
    if (fault) {
      const failure = faultResponse(fault, runtime.now());
      return this.send(res, { status: failure.status, body: failure.body }, failure.headers);
    }
    this.send(res, result, headers);
  }

  private send(res: ServerResponse, result: JsonResult, extraHeaders: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const contentType =
      result.contentType ?? (result.status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8');
    const payload = result.body === undefined ? '' : JSON.stringify(result.body);
    res.writeHead(result.status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(payload),
      ...extraHeaders,
      ...result.headers,
    });
    res.end(payload);
  }

  private fail(res: ServerResponse, error: unknown): void {
    this.log.error({ err: error }, 'x-simulator request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.send(res, {
      status: 500,
      body: { title: 'Internal Server Error', detail: errorMessage(error), type: 'about:blank', status: 500 },
    });
  }
}

function resolveTable(limits: RateLimitPreset | RateLimitTable): RateLimitTable {
  return typeof limits === 'string' ? rateLimitPreset(limits) : limits;
}

async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('error', () => resolve());
    req.once('close', () => resolve());
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    await drain(req);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new Error('Request body is not valid JSON');
  }
}
