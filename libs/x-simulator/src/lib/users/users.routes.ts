import { parseFieldSelection, type FieldSelection } from '../http/field-selection.util';
import { forbidden, invalidRequest, resourceNotFound } from '../http/problems.util';
import { encodeCursor, isRecord, ParameterProblems } from '../http/request-values.util';
import { callerOf, ok, pathParam, problemResult, type RouteContext, type RouteDefinition, type RouteResult, viewerOf } from '../http/route.types';
import type { SimTweet, SimUser } from '../state/simulator-state.types';
import { buildIncludes, renderTweet } from '../tweets/tweet-render.util';
import { renderUser } from './user-render.util';

/** data + includes.tweets (most_recent_tweet_id expansion) for a list of users. */
function usersBody(ctx: RouteContext, users: SimUser[], selection: FieldSelection, single: boolean): Record<string, unknown> {
  const { store } = ctx.runtime;
  const viewer = viewerOf(ctx);
  const data = users.map((u) => renderUser(u, selection, store, viewer));
  const body: Record<string, unknown> = { data: single ? data[0] : data };
  if (selection.expansions.has('most_recent_tweet_id')) {
    const tweets = users.map((u) => store.recentTweetsOf(u.id, 1)[0]).filter((t): t is SimTweet => t !== undefined);
    if (tweets.length > 0) body['includes'] = { tweets: tweets.map((t) => renderTweet(t, selection)) };
  }
  return body;
}

function lookupOne(ctx: RouteContext, user: SimUser | undefined, parameter: 'id' | 'username', value: string): RouteResult {
  const selected = parseFieldSelection(ctx.query, 'user');
  if (!selected.ok) return problemResult(400, invalidRequest(selected.problems));
  if (!user) {
    return { status: ctx.runtime.settings.quirks.notFoundStatus, body: { errors: [resourceNotFound('user', parameter, value)] } };
  }
  return ok(usersBody(ctx, [user], selected.selection, true));
}

function lookupMany(ctx: RouteContext, values: string[], parameter: 'ids' | 'usernames'): RouteResult {
  const selected = parseFieldSelection(ctx.query, 'user');
  if (!selected.ok) return problemResult(400, invalidRequest(selected.problems));
  const { store } = ctx.runtime;
  const found = values.map((v) => (parameter === 'ids' ? store.userById(v) : store.userByUsername(v)));
  const users = found.filter((u): u is SimUser => u !== undefined);
  const body: Record<string, unknown> = users.length > 0 ? usersBody(ctx, users, selected.selection, false) : {};
  const missing = values.filter((_, i) => !found[i]).map((v) => resourceNotFound('user', parameter, v));
  if (missing.length > 0) body['errors'] = missing;
  return ok(body);
}

function mentions(ctx: RouteContext): RouteResult {
  return timeline(ctx, (store, userId) => store.mentionsOf(userId), 'm');
}

/** GET /2/users/:id/tweets: what the user posted, with the same paging rules as the mentions timeline. */
function userTweets(ctx: RouteContext): RouteResult {
  return timeline(ctx, (store, userId) => store.liveTweetsOf(userId), 't');
}

function timeline(
  ctx: RouteContext,
  source: (store: RouteContext['runtime']['store'], userId: string) => SimTweet[],
  cursorKind: string,
): RouteResult {
  const { store, settings } = ctx.runtime;
  const problems = new ParameterProblems();
  const userId = problems.pathId('id', pathParam(ctx, 'id'));
  const maxResults = problems.int(ctx.query, 'max_results', 5, 100, 10);
  const sinceId = problems.id(ctx.query, 'since_id');
  const untilId = problems.id(ctx.query, 'until_id');
  const startMs = problems.time(ctx.query, 'start_time');
  const endMs = problems.time(ctx.query, 'end_time');
  const cursor = problems.numericCursor(ctx.query, cursorKind);
  const before = cursor === undefined ? undefined : BigInt(cursor);
  const selected = parseFieldSelection(ctx.query, 'tweet');
  if (!selected.ok) problems.list.push(...selected.problems);
  if (problems.any || !selected.ok) return problemResult(400, invalidRequest(problems.list));

  const user = store.userById(userId);
  if (!user) return { status: settings.quirks.notFoundStatus, body: { errors: [resourceNotFound('user', 'id', userId)] } };

  // Newest first; take one extra to learn whether a next page exists.
  const all = source(store, user.id);
  const page: SimTweet[] = [];
  let more = false;
  for (let i = all.length - 1; i >= 0; i--) {
    const t = all.at(i);
    if (t === undefined) continue;
    if (before !== undefined && t.idValue >= before) continue;
    if (untilId !== undefined && t.idValue >= untilId) continue;
    if (endMs !== undefined && t.createdAtMs >= endMs) continue;
    if (sinceId !== undefined && t.idValue <= sinceId) break;
    if (startMs !== undefined && t.createdAtMs < startMs) break;
    if (page.length === maxResults) {
      more = true;
      break;
    }
    page.push(t);
  }
  // Newest and oldest are both there exactly when the page is not empty.
  const newest = page.at(0);
  const oldest = page.at(-1);
  if (newest === undefined || oldest === undefined) return ok({ meta: { result_count: 0 } });
  const body: Record<string, unknown> = { data: page.map((t) => renderTweet(t, selected.selection)) };
  const includes = buildIncludes(page, selected.selection, store, viewerOf(ctx));
  if (includes) body['includes'] = includes;
  const meta: Record<string, unknown> = {
    result_count: page.length,
    newest_id: newest.id,
    oldest_id: oldest.id,
  };
  if (more) meta['next_token'] = encodeCursor(cursorKind, oldest.id);
  body['meta'] = meta;
  return ok(body);
}

function followList(ctx: RouteContext, direction: 'followers' | 'following'): RouteResult {
  const { store, settings } = ctx.runtime;
  const problems = new ParameterProblems();
  const userId = problems.pathId('id', pathParam(ctx, 'id'));
  const maxResults = problems.int(ctx.query, 'max_results', 1, 1000, 100);
  const cursor = problems.numericCursor(ctx.query, 'f');
  const offset = cursor === undefined ? 0 : Number(cursor);
  const selected = parseFieldSelection(ctx.query, 'user');
  if (!selected.ok) problems.list.push(...selected.problems);
  if (problems.any || !selected.ok) return problemResult(400, invalidRequest(problems.list));
  const user = store.userById(userId);
  if (!user) return { status: settings.quirks.notFoundStatus, body: { errors: [resourceNotFound('user', 'id', userId)] } };

  const all =
    direction === 'followers'
      ? store.followersOf(user.id)
      : store.allUsers().filter((u) => store.isFollowing(user.id, u.id));
  const page = all.slice(offset, offset + maxResults);
  if (page.length === 0) return ok({ meta: { result_count: 0 } });
  const body = usersBody(ctx, page, selected.selection, false);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (offset + maxResults < all.length) meta['next_token'] = encodeCursor('f', String(offset + maxResults));
  if (offset > 0) meta['previous_token'] = encodeCursor('f', String(Math.max(0, offset - maxResults)));
  body['meta'] = meta;
  return ok(body);
}

function follow(ctx: RouteContext): RouteResult {
  const { store } = ctx.runtime;
  const caller = callerOf(ctx);
  const problems = new ParameterProblems();
  const sourceId = problems.pathId('id', pathParam(ctx, 'id'));
  const target = isRecord(ctx.body) ? ctx.body['target_user_id'] : undefined;
  if (typeof target !== 'string') problems.add('target_user_id', String(target), '$.target_user_id: is missing but it is required');
  else problems.pathId('target_user_id', target);
  if (problems.any || typeof target !== 'string') return problemResult(400, invalidRequest(problems.list));
  if (sourceId !== caller.id) return problemResult(403, forbidden('You are not permitted to perform this action.'));
  const targetUser = store.userById(target);
  if (!targetUser) return problemResult(400, invalidRequest([{ parameter: 'target_user_id', value: target, message: 'Could not find user with target_user_id.' }]));
  if (targetUser.id === caller.id) return problemResult(400, invalidRequest([{ parameter: 'target_user_id', value: target, message: 'You cannot follow yourself.' }]));
  // Protected accounts must approve: the request stays pending and no edge is created.
  if (targetUser.protected) return ok({ data: { following: false, pending_follow: true } });
  store.follow(caller.id, targetUser.id);
  return ok({ data: { following: true, pending_follow: false } });
}

function unfollow(ctx: RouteContext): RouteResult {
  const { store } = ctx.runtime;
  const caller = callerOf(ctx);
  const problems = new ParameterProblems();
  const sourceId = problems.pathId('source_user_id', pathParam(ctx, 'source_user_id'));
  const targetId = problems.pathId('target_user_id', pathParam(ctx, 'target_user_id'));
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  if (sourceId !== caller.id) return problemResult(403, forbidden('You are not permitted to perform this action.'));
  store.unfollow(caller.id, targetId);
  return ok({ data: { following: false } });
}

export const userRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/2/users/me',
    auth: 'user',
    rateLimit: 'users.me',
    handle: (ctx) => lookupOne(ctx, viewerOf(ctx), 'id', viewerOf(ctx)?.id ?? ''),
  },
  {
    method: 'GET',
    path: '/2/users/by/username/:username',
    auth: 'app-or-user',
    rateLimit: 'users.lookup',
    handle: (ctx) => lookupOne(ctx, ctx.runtime.store.userByUsername(pathParam(ctx, 'username')), 'username', pathParam(ctx, 'username')),
  },
  {
    method: 'GET',
    path: '/2/users/by',
    auth: 'app-or-user',
    rateLimit: 'users.lookup',
    handle: (ctx) => {
      const raw = ctx.query.get('usernames');
      if (!raw) return problemResult(400, invalidRequest([{ parameter: 'usernames', value: '', message: 'The `usernames` query parameter can not be empty' }]));
      return lookupMany(ctx, raw.split(',').map((v) => v.trim()), 'usernames');
    },
  },
  {
    method: 'GET',
    path: '/2/users',
    auth: 'app-or-user',
    rateLimit: 'users.lookup',
    handle: (ctx) => {
      const problems = new ParameterProblems();
      const ids = problems.ids(ctx.query, 'ids', 100);
      if (problems.any) return problemResult(400, invalidRequest(problems.list));
      return lookupMany(ctx, ids, 'ids');
    },
  },
  {
    method: 'GET',
    path: '/2/users/:id',
    auth: 'app-or-user',
    rateLimit: 'users.lookup',
    handle: (ctx) => {
      const problems = new ParameterProblems();
      const id = problems.pathId('id', pathParam(ctx, 'id'));
      if (problems.any) return problemResult(400, invalidRequest(problems.list));
      return lookupOne(ctx, ctx.runtime.store.userById(id), 'id', id);
    },
  },
  { method: 'GET', path: '/2/users/:id/mentions', auth: 'app-or-user', rateLimit: 'users.mentions', handle: mentions },
  { method: 'GET', path: '/2/users/:id/tweets', auth: 'app-or-user', rateLimit: 'users.tweets', handle: userTweets },
  {
    method: 'GET',
    path: '/2/users/:id/followers',
    auth: 'app-or-user',
    rateLimit: 'users.followers',
    handle: (ctx) => followList(ctx, 'followers'),
  },
  {
    method: 'GET',
    path: '/2/users/:id/following',
    auth: 'app-or-user',
    rateLimit: 'users.followers',
    handle: (ctx) => followList(ctx, 'following'),
  },
  { method: 'POST', path: '/2/users/:id/following', auth: 'user', rateLimit: 'users.follow', handle: follow },
  {
    method: 'DELETE',
    path: '/2/users/:source_user_id/following/:target_user_id',
    auth: 'user',
    rateLimit: 'users.follow',
    handle: unfollow,
  },
];
