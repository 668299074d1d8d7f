import { invalidRequest, webhookRefusal } from '../http/problems.util';
import { isRecord, ParameterProblems } from '../http/request-values.util';
import { ok, pathParam, problemResult, type RouteContext, type RouteDefinition, type RouteResult } from '../http/route.types';
import { SIMULATED_APP } from '../x-simulator.types';
import { WebhookRefusal, type WebhookView } from './webhook-hub.domain';

// The v2 Webhooks and Account Activity endpoints. X publishes no rate limits for them in the
// reference, so none are applied. Refusals are 400 invalid-request bodies whose message starts with
// X's reason (CrcValidationFailed, WebhookIdInvalid, ...).

/** Maps a hub refusal to X's 400, naming the parameter it concerns. */
async function refusing(parameter: string, value: string, action: () => RouteResult | Promise<RouteResult>): Promise<RouteResult> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof WebhookRefusal) return problemResult(400, webhookRefusal(error.reason, error.message, parameter, value));
    throw error;
  }
}

function wire(view: WebhookView): { created_at: string; id: string; url: string; valid: boolean } {
  return { created_at: view.createdAt, id: view.id, url: view.url, valid: view.valid };
}

function callerId(ctx: RouteContext): string {
  if (ctx.principal?.kind !== 'user') throw new Error('route requires a user principal');
  return ctx.principal.user.id;
}

function webhookIdParam(ctx: RouteContext, problems: ParameterProblems): string {
  return problems.pathId('webhook_id', pathParam(ctx, 'webhook_id'));
}

async function create(ctx: RouteContext): Promise<RouteResult> {
  const url = isRecord(ctx.body) ? ctx.body['url'] : undefined;
  if (typeof url !== 'string' || url.length === 0) {
    return problemResult(400, invalidRequest([{ parameter: 'url', value: String(url ?? ''), message: '$.url: is missing but it is required' }]));
  }
  return refusing('url', url, async () => ok({ data: wire(await ctx.runtime.webhooks.register(url)) }));
}

function list(ctx: RouteContext): RouteResult {
  const data = ctx.runtime.webhooks.list().map(wire);
  return ok({ data, meta: { result_count: data.length } });
}

async function validate(ctx: RouteContext): Promise<RouteResult> {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, async () => ok({ data: { valid: (await ctx.runtime.webhooks.revalidate(id)).valid } }));
}

function remove(ctx: RouteContext): Promise<RouteResult> | RouteResult {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, () => {
    ctx.runtime.webhooks.remove(id);
    return ok({ data: { deleted: true } });
  });
}

function subscribe(ctx: RouteContext): Promise<RouteResult> | RouteResult {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, () => {
    ctx.runtime.webhooks.subscribe(id, callerId(ctx));
    return ok({ data: { subscribed: true } });
  });
}

function checkSubscription(ctx: RouteContext): Promise<RouteResult> | RouteResult {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, () => ok({ data: { subscribed: ctx.runtime.webhooks.isSubscribed(id, callerId(ctx)) } }));
}

function listSubscriptions(ctx: RouteContext): Promise<RouteResult> | RouteResult {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, () => {
    const webhook = ctx.runtime.webhooks.get(id);
    return ok({
      data: {
        application_id: SIMULATED_APP.id,
        webhook_id: webhook.id,
        webhook_url: webhook.url,
        subscriptions: webhook.subscriptions.map((userId) => ({ user_id: userId })),
      },
    });
  });
}

function unsubscribe(ctx: RouteContext): Promise<RouteResult> | RouteResult {
  const problems = new ParameterProblems();
  const id = webhookIdParam(ctx, problems);
  const userId = problems.pathId('user_id', pathParam(ctx, 'user_id'));
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  return refusing('webhook_id', id, () => {
    ctx.runtime.webhooks.unsubscribe(id, userId);
    return ok({ data: { subscribed: false } });
  });
}

function subscriptionCount(ctx: RouteContext): RouteResult {
  const { webhooks } = ctx.runtime;
  // X sends these counts as strings.
  return ok({
    data: {
      account_name: SIMULATED_APP.name,
      provisioned_count: String(webhooks.maxSubscriptions),
      subscriptions_count_all: String(webhooks.subscriptionCount()),
      subscriptions_count_direct_messages: '0',
    },
  });
}

export const webhookRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/2/webhooks', auth: 'app', handle: create },
  { method: 'GET', path: '/2/webhooks', auth: 'app', handle: list },
  { method: 'PUT', path: '/2/webhooks/:webhook_id', auth: 'app', handle: validate },
  { method: 'DELETE', path: '/2/webhooks/:webhook_id', auth: 'app', handle: remove },
  { method: 'GET', path: '/2/account_activity/subscriptions/count', auth: 'app', handle: subscriptionCount },
  { method: 'GET', path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all/list', auth: 'app', handle: listSubscriptions },
  { method: 'POST', path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all', auth: 'user', handle: subscribe },
  { method: 'GET', path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all', auth: 'user', handle: checkSubscription },
  { method: 'DELETE', path: '/2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all', auth: 'app', handle: unsubscribe },
];
