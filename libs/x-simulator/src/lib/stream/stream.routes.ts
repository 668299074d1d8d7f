import { parseFieldSelection } from '../http/field-selection.util';
import { invalidRequest, noRules, tooManyConnections, PROBLEM_BASE } from '../http/problems.util';
import { encodeCursor, isRecord, ParameterProblems } from '../http/request-values.util';
import { ok, problemResult, STREAMING, type RouteContext, type RouteDefinition, type RouteResult } from '../http/route.types';
import type { SimRule } from '../state/simulator-state.types';
import { parseRule, type RuleNode } from './rule-query.util';

const MAX_RULES = 1000;

function connectStream(ctx: RouteContext): RouteResult {
  const { stream, store, settings } = ctx.runtime;
  const refusedWith = stream.takeRefusal();
  if (refusedWith !== undefined) {
    stream.connectionsRefused++;
    const body =
      refusedWith === 429
        ? { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }
        : { title: 'Service Unavailable', detail: 'Injected stream refusal', type: 'about:blank', status: refusedWith };
    return problemResult(refusedWith, body);
  }
  const problems = new ParameterProblems();
  const backfill = problems.int(ctx.query, 'backfill_minutes', 0, 5, 0);
  const selected = parseFieldSelection(ctx.query, 'tweet');
  if (!selected.ok) problems.list.push(...selected.problems);
  if (problems.any || !selected.ok) return problemResult(400, invalidRequest(problems.list));
  if (stream.atCapacity) {
    stream.connectionsRefused++;
    return problemResult(settings.quirks.tooManyConnectionsStatus, tooManyConnections());
  }
  if (store.ruleCount() === 0) {
    stream.connectionsRefused++;
    return problemResult(409, noRules());
  }

  const { res } = ctx;
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...ctx.headers,
  });
  // Headers go out now: the client's connect() resolves on them, before any tweet exists.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  stream.attach(res, selected.selection, backfill, ctx.runtime.now());
  return STREAMING;
}

function ruleWire(rule: Pick<SimRule, 'id' | 'value' | 'tag'>): { id: string; value: string; tag?: string } {
  return rule.tag === undefined ? { id: rule.id, value: rule.value } : { id: rule.id, value: rule.value, tag: rule.tag };
}

function listRules(ctx: RouteContext): RouteResult {
  const { store } = ctx.runtime;
  const problems = new ParameterProblems();
  const maxResults = problems.int(ctx.query, 'max_results', 1, 1000, 1000);
  const idsParam = ctx.query.get('ids');
  const cursor = problems.numericCursor(ctx.query, 'r');
  const offset = cursor === undefined ? 0 : Number(cursor);
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  const sent = new Date(ctx.runtime.now()).toISOString();
  let rules = store.listRules();
  if (idsParam) {
    const wanted = new Set(idsParam.split(',').map((v) => v.trim()));
    rules = rules.filter((r) => wanted.has(r.id));
  }
  const page = rules.slice(offset, offset + maxResults);
  if (page.length === 0) return ok({ meta: { sent, result_count: 0 } });
  const meta: Record<string, unknown> = { sent, result_count: page.length };
  if (offset + maxResults < rules.length) meta['next_token'] = encodeCursor('r', String(offset + maxResults));
  return ok({ data: page.map(ruleWire), meta });
}

interface RuleError {
  value: string;
  id?: string;
  details?: string[];
  title: string;
  type: string;
}

function addRules(ctx: RouteContext, adds: unknown[], dryRun: boolean): RouteResult {
  const { store, settings } = ctx.runtime;
  const sent = new Date(ctx.runtime.now()).toISOString();
  const accepted: { id: string; value: string; tag?: string; node: RuleNode }[] = [];
  const errors: RuleError[] = [];
  const seenInBatch = new Set<string>();
  for (const raw of adds) {
    const value = isRecord(raw) && typeof raw['value'] === 'string' ? raw['value'] : undefined;
    const tag = isRecord(raw) && typeof raw['tag'] === 'string' ? raw['tag'] : undefined;
    if (value === undefined) {
      errors.push({ value: '', details: ['Rule value is required'], title: 'UnprocessableEntity', type: `${PROBLEM_BASE}/invalid-rules` });
      continue;
    }
    const existing = store.ruleByValue(value);
    if (existing || seenInBatch.has(value)) {
      errors.push({ value, id: existing?.id, title: 'DuplicateRule', type: `${PROBLEM_BASE}/duplicate-rules` });
      continue;
    }
    seenInBatch.add(value);
    const parsed = parseRule(value);
    if (!parsed.ok) {
      errors.push({ value, details: parsed.details, title: 'UnprocessableEntity', type: `${PROBLEM_BASE}/invalid-rules` });
      continue;
    }
    accepted.push({ id: store.newRuleId(), value, tag, node: parsed.node });
  }
  if (errors.length === 0 && store.ruleCount() + accepted.length > MAX_RULES) {
    errors.push({
      value: '',
      details: [`Rule cap of ${MAX_RULES} would be exceeded`],
      title: 'RulesCapExceeded',
      type: `${PROBLEM_BASE}/rule-cap`,
    });
  }
  // All or nothing: one bad rule means none of the batch is created (summary.valid still counts the good ones).
  const create = errors.length === 0;
  if (create && !dryRun) for (const a of accepted) store.addRule(a);
  const meta = {
    sent,
    summary: {
      created: create ? accepted.length : 0,
      not_created: create ? 0 : adds.length,
      valid: accepted.length,
      invalid: adds.length - accepted.length,
    },
  };
  const body: Record<string, unknown> = {};
  if (create && accepted.length > 0) body['data'] = accepted.map(ruleWire);
  body['meta'] = meta;
  if (errors.length > 0) body['errors'] = errors;
  const status = create ? 200 : settings.quirks.ruleErrorStatus;
  return status >= 400 ? problemResult(status, body) : ok(body);
}

function deleteRules(ctx: RouteContext, del: Record<string, unknown>, dryRun: boolean, deleteAll: boolean): RouteResult {
  const { store } = ctx.runtime;
  const sent = new Date(ctx.runtime.now()).toISOString();
  const ids = deleteAll
    ? store.listRules().map((r) => r.id)
    : Array.isArray(del['ids'])
      ? del['ids'].filter((v): v is string => typeof v === 'string')
      : [];
  const values = Array.isArray(del['values']) ? del['values'].filter((v): v is string => typeof v === 'string') : [];
  for (const value of values) {
    const rule = store.ruleByValue(value);
    ids.push(rule ? rule.id : `value:${value}`);
  }
  let deleted = 0;
  const errors: Record<string, unknown>[] = [];
  for (const id of ids) {
    const exists = store.ruleById(id) !== undefined;
    if (exists && !dryRun) store.deleteRule(id);
    if (exists) deleted++;
    else errors.push({ value: id.replace(/^value:/, ''), title: 'Not Found Error', detail: 'Rule does not exist', type: `${PROBLEM_BASE}/resource-not-found` });
  }
  const body: Record<string, unknown> = { meta: { sent, summary: { deleted, not_deleted: ids.length - deleted } } };
  if (errors.length > 0) body['errors'] = errors;
  return ok(body);
}

function updateRules(ctx: RouteContext): RouteResult {
  const dryRun = ctx.query.get('dry_run') === 'true';
  const deleteAll = ctx.query.get('delete_all') === 'true';
  const body = isRecord(ctx.body) ? ctx.body : {};
  const add = body['add'];
  const del = body['delete'];
  if (deleteAll) return deleteRules(ctx, {}, dryRun, true);
  if (Array.isArray(add) && del === undefined) {
    if (add.length === 0) return problemResult(400, invalidRequest([{ parameter: 'add', value: '[]', message: '$.add: must have at least 1 item' }]));
    return addRules(ctx, add, dryRun);
  }
  if (isRecord(del) && add === undefined) return deleteRules(ctx, del, dryRun, false);
  return problemResult(
    400,
    invalidRequest([{ parameter: 'body', value: JSON.stringify(ctx.body ?? null), message: 'Request body must contain exactly one of "add" or "delete"' }]),
  );
}

export const streamRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/2/tweets/search/stream/rules', auth: 'app', rateLimit: 'stream.rules.list', handle: listRules },
  { method: 'POST', path: '/2/tweets/search/stream/rules', auth: 'app', rateLimit: 'stream.rules.update', handle: updateRules },
  { method: 'GET', path: '/2/tweets/search/stream', auth: 'app', rateLimit: 'stream.connect', handle: connectStream },
];
