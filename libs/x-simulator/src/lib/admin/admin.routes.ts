import { ValidationFailedError, validateInto } from '@perch/platform';
import type { ClassConstructor } from 'class-transformer';

import { GeneratorError } from '../generator/traffic-generator.domain';
import type { TweetMix } from '../generator/tweet-text-generator.util';
import { ok, pathParam, type RouteContext, type RouteDefinition, type RouteResult } from '../http/route.types';
import { simulatorStats } from '../simulator-stats.util';
import { rateLimitPreset } from '../state/rate-limits.constants';
import { AdminError, AdminOperations } from './admin-operations.domain';
import {
  CreateAccountDto,
  CreateTweetDto,
  FollowDto,
  HttpFaultsDto,
  RateLimitsDto,
  RegisterWebhookDto,
  SendDmDto,
  StartGeneratorDto,
  StreamDropDto,
  StreamRawDto,
  StreamRefuseDto,
  StreamStallDto,
  SubscribeWebhookDto,
  WebhookFaultsDto,
} from './admin.dto';

const MIX_KEYS = ['complaint', 'question', 'praise', 'chitchat'] as const;

function body<T extends object>(ctx: RouteContext, cls: ClassConstructor<T>): T {
  return validateInto(cls, ctx.body ?? {}, cls.name.replace(/Dto$/, ''));
}

/** Admin errors are plain JSON `{error, message, problems?}`; this is our API, not X's. */
function guarded(handler: (ctx: RouteContext, ops: AdminOperations) => RouteResult | Promise<RouteResult>): RouteDefinition['handle'] {
  return async (ctx) => {
    try {
      return await handler(ctx, new AdminOperations(ctx.runtime));
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        return { status: 400, contentType: 'application/json', body: { error: 'validation-failed', message: error.message, problems: error.problems } };
      }
      if (error instanceof AdminError) {
        return { status: error.status, contentType: 'application/json', body: { error: error.code, message: error.message } };
      }
      if (error instanceof GeneratorError) {
        return { status: 400, contentType: 'application/json', body: { error: 'generator', message: error.message } };
      }
      throw error;
    }
  };
}

function toMix(raw: Record<string, unknown> | undefined): TweetMix | undefined {
  if (!raw) return undefined;
  const mix: TweetMix = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(MIX_KEYS as readonly string[]).includes(key) || typeof value !== 'number' || value < 0) {
      throw new AdminError(400, 'validation-failed', `mix.${key} must be one of ${MIX_KEYS.join(', ')} with a weight >= 0`);
    }
    mix[key as (typeof MIX_KEYS)[number]] = value;
  }
  return mix;
}

function stats(ctx: RouteContext): RouteResult {
  return ok({ ...simulatorStats(ctx.runtime), generator: ctx.runtime.generator.status() });
}

const route = (
  method: RouteDefinition['method'],
  path: string,
  handler: (ctx: RouteContext, ops: AdminOperations) => RouteResult | Promise<RouteResult>,
): RouteDefinition => ({ method, path, auth: 'none', handle: guarded(handler) });

function limitParam(ctx: RouteContext): number {
  const limit = Number(ctx.query.get('limit') ?? '100');
  return Number.isInteger(limit) && limit > 0 ? limit : 100;
}

export const adminRoutes: RouteDefinition[] = [
  route('GET', '/admin/health', () => ok({ ok: true })),
  route('GET', '/admin/stats', (ctx) => stats(ctx)),
  route('POST', '/admin/reset', (ctx) => {
    ctx.runtime.reset();
    return ok({ reset: true });
  }),
  route('POST', '/admin/accounts', (ctx, ops) => ok(ops.createAccount(body(ctx, CreateAccountDto)), 201)),
  route('GET', '/admin/accounts', (ctx, ops) => ok({ accounts: ops.accounts(ctx.query.get('kind') ?? undefined) })),
  route('GET', '/admin/accounts/:username', (ctx, ops) => ok(ops.account(pathParam(ctx, 'username')))),
  route('GET', '/admin/accounts/:username/tweets', (ctx, ops) => ok({ tweets: ops.tweetsOf(pathParam(ctx, 'username'), limitParam(ctx)) })),
  route('POST', '/admin/follows', (ctx, ops) => {
    const dto = body(ctx, FollowDto);
    return ok(ops.follow(dto.follower, dto.target, true));
  }),
  route('DELETE', '/admin/follows/:follower/:target', (ctx, ops) =>
    ok(ops.follow(pathParam(ctx, 'follower'), pathParam(ctx, 'target'), false)),
  ),
  route('POST', '/admin/tweets', (ctx, ops) => ok(ops.createTweet(body(ctx, CreateTweetDto)), 201)),
  route('GET', '/admin/tweets/:id', (ctx, ops) => ok(ops.tweet(pathParam(ctx, 'id')))),
  route('POST', '/admin/dms', (ctx, ops) => ok(ops.sendDirectMessage(body(ctx, SendDmDto)), 201)),
  route('GET', '/admin/dms', (ctx, ops) => ok({ dms: ops.directMessages(ctx.query.get('username') ?? undefined, limitParam(ctx)) })),
  route('GET', '/admin/webhooks', (ctx) => {
    const { webhooks } = ctx.runtime;
    return ok({ webhooks: webhooks.list(), deliveries: webhooks.stats(), faults: webhooks.faults });
  }),
  route('POST', '/admin/webhooks', async (ctx, ops) => ok(await ops.registerWebhook(body(ctx, RegisterWebhookDto).url), 201)),
  route('POST', '/admin/webhooks/crc', async (ctx) => ok({ webhooks: await ctx.runtime.webhooks.revalidateAll() })),
  route('POST', '/admin/webhooks/:id/subscriptions', (ctx, ops) =>
    ok(ops.subscribeWebhook(pathParam(ctx, 'id'), body(ctx, SubscribeWebhookDto).username), 201),
  ),
  route('GET', '/admin/generator', (ctx) => ok(ctx.runtime.generator.status())),
  route('POST', '/admin/generator', (ctx) => {
    const dto = body(ctx, StartGeneratorDto);
    return ok(ctx.runtime.generator.start({ ...dto, mix: toMix(dto.mix) }), 202);
  }),
  route('DELETE', '/admin/generator', (ctx) => ok(ctx.runtime.generator.stop('stopped'))),
  route('PUT', '/admin/rate-limits', (ctx) => {
    const dto = body(ctx, RateLimitsDto);
    ctx.runtime.rateLimiter.setTable(rateLimitPreset(dto.preset));
    return ok({ preset: dto.preset });
  }),
  route('GET', '/admin/stream', (ctx) => ok({ connections: ctx.runtime.stream.views() })),
  route('POST', '/admin/faults/stream-drop', (ctx) => {
    const dto = body(ctx, StreamDropDto);
    return ok({ dropped: ctx.runtime.stream.drop(dto) });
  }),
  route('POST', '/admin/faults/stream-stall', (ctx) => ok({ stalled: ctx.runtime.stream.stall(body(ctx, StreamStallDto).ms) })),
  route('POST', '/admin/faults/stream-raw', (ctx) => ok({ written: ctx.runtime.stream.writeRaw(body(ctx, StreamRawDto).line) })),
  route('POST', '/admin/faults/http', (ctx) => {
    const dto = body(ctx, HttpFaultsDto);
    ctx.runtime.faults.set({
      ...(dto.latencyMs === undefined ? {} : { latencyMs: dto.latencyMs }),
      ...(dto.rules === undefined ? {} : { rules: dto.rules.map((r) => ({ ...r })) }),
    });
    return ok({ latencyMs: ctx.runtime.faults.latencyMs, rules: ctx.runtime.faults.pending() });
  }),
  route('DELETE', '/admin/faults/http', (ctx) => {
    ctx.runtime.faults.clear();
    return ok({ latencyMs: 0, rules: [] });
  }),
  route('POST', '/admin/faults/webhooks', (ctx) => ok({ faults: ctx.runtime.webhooks.setFaults(body(ctx, WebhookFaultsDto)) })),
  route('DELETE', '/admin/faults/webhooks', (ctx) => {
    ctx.runtime.webhooks.clearFaults();
    return ok({ faults: ctx.runtime.webhooks.faults });
  }),
  route('POST', '/admin/faults/stream-refuse', (ctx) => {
    const dto = body(ctx, StreamRefuseDto);
    ctx.runtime.stream.refuseNext(dto.count, dto.status ?? 503);
    return ok({ refusing: dto.count, status: dto.status ?? 503 });
  }),
];
