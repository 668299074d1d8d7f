import { parseFieldSelection } from '../http/field-selection.util';
import {
  DUPLICATE_CONTENT_DETAIL,
  forbidden,
  invalidRequest,
  REPLY_NOT_ALLOWED_DETAIL,
  REPLY_TO_MISSING_DETAIL,
  resourceNotFound,
  TWEET_TOO_LONG_DETAIL,
} from '../http/problems.util';
import { isRecord, ParameterProblems } from '../http/request-values.util';
import {
  callerOf,
  ok,
  pathParam,
  problemResult,
  type RouteContext,
  type RouteDefinition,
  type RouteResult,
  viewerOf,
} from '../http/route.types';
import { parseId } from '../state/snowflake.util';
import { buildIncludes, renderTweet } from './tweet-render.util';
import { checkTweetText, isDuplicateContent, replyAllowed } from './tweet-policy.util';

interface CreateTweetBody {
  text: string;
  inReplyToTweetId?: string;
  excludeReplyUserIds: string[];
  quoteTweetId?: string;
}

function parseCreateBody(body: unknown, problems: ParameterProblems): CreateTweetBody | undefined {
  if (!isRecord(body)) {
    problems.add('body', '', 'Request body must be a JSON object');
    return undefined;
  }
  const text = body['text'];
  if (text !== undefined && typeof text !== 'string') problems.add('text', String(text), '$.text: must be a string');
  const out: CreateTweetBody = { text: typeof text === 'string' ? text : '', excludeReplyUserIds: [] };
  const reply = body['reply'];
  if (reply !== undefined) {
    if (!isRecord(reply) || typeof reply['in_reply_to_tweet_id'] !== 'string') {
      problems.add('reply.in_reply_to_tweet_id', '', '$.reply.in_reply_to_tweet_id: is missing but it is required');
    } else {
      const id = reply['in_reply_to_tweet_id'];
      if (parseId(id) === undefined) {
        problems.add('reply.in_reply_to_tweet_id', id, '$.reply.in_reply_to_tweet_id: does not match ^[0-9]{1,19}$');
      }
      out.inReplyToTweetId = id;
      const exclude = reply['exclude_reply_user_ids'];
      if (Array.isArray(exclude)) out.excludeReplyUserIds = exclude.filter((v): v is string => typeof v === 'string');
    }
  }
  const quote = body['quote_tweet_id'];
  if (quote !== undefined) {
    if (typeof quote !== 'string' || parseId(quote) === undefined) {
      problems.add('quote_tweet_id', String(quote), '$.quote_tweet_id: does not match ^[0-9]{1,19}$');
    } else out.quoteTweetId = quote;
  }
  return out;
}

function createTweet(ctx: RouteContext): RouteResult {
  const { store, settings, counters } = ctx.runtime;
  const author = callerOf(ctx);
  const problems = new ParameterProblems();
  const input = parseCreateBody(ctx.body, problems);
  if (!input || problems.any) return problemResult(400, invalidRequest(problems.list));

  const verdict = checkTweetText(input.text);
  if (!verdict.ok && verdict.reason === 'empty') {
    return problemResult(400, invalidRequest([{ parameter: 'text', value: input.text, message: '$.text: must be at least 1 characters long' }]));
  }
  if (!verdict.ok && verdict.reason === 'too-long') {
    return problemResult(settings.quirks.tweetRefusalStatus, forbidden(TWEET_TOO_LONG_DETAIL));
  }
  if (!verdict.ok) {
    return problemResult(400, invalidRequest([{ parameter: 'text', value: input.text, message: '$.text: contains invalid characters' }]));
  }

  if (input.inReplyToTweetId !== undefined) {
    const parent = store.tweetById(input.inReplyToTweetId);
    if (!parent) return problemResult(403, forbidden(REPLY_TO_MISSING_DETAIL));
    const quotedAuthor = parent.quotedTweetId ? store.tweetById(parent.quotedTweetId)?.authorId : undefined;
    if (settings.quirks.enforceReplyRestriction && !replyAllowed(parent, author, quotedAuthor)) {
      return problemResult(403, forbidden(REPLY_NOT_ALLOWED_DETAIL));
    }
  }
  if (input.quoteTweetId !== undefined && !store.tweetById(input.quoteTweetId)) {
    return problemResult(400, invalidRequest([{ parameter: 'quote_tweet_id', value: input.quoteTweetId, message: 'Quoted Tweet does not exist or is not visible to you' }]));
  }

  const draft = {
    authorId: author.id,
    text: input.text,
    inReplyToTweetId: input.inReplyToTweetId,
    quoteTweetId: input.quoteTweetId,
    excludeReplyUserIds: input.excludeReplyUserIds,
  };
  const fullText = store.composeText(draft);
  if (isDuplicateContent(store.recentTweetsOf(author.id, settings.duplicateLookback), fullText, ctx.runtime.now())) {
    return problemResult(settings.quirks.tweetRefusalStatus, forbidden(DUPLICATE_CONTENT_DETAIL));
  }
  const tweet = store.createTweet({ ...draft, origin: 'api' });
  counters.tweetsByOrigin.api++;
  return ok({ data: { edit_history_tweet_ids: [tweet.id], id: tweet.id, text: tweet.text } }, 201);
}

function deleteTweet(ctx: RouteContext): RouteResult {
  const { store, settings } = ctx.runtime;
  const problems = new ParameterProblems();
  const id = problems.pathId('id', pathParam(ctx, 'id'));
  if (problems.any) return problemResult(400, invalidRequest(problems.list));
  const tweet = store.tweetById(id);
  if (!tweet) return { status: settings.quirks.notFoundStatus, body: { errors: [resourceNotFound('tweet', 'id', id)] } };
  if (tweet.authorId !== callerOf(ctx).id) return problemResult(403, forbidden('You are not allowed to delete this Tweet.'));
  store.deleteTweet(id);
  return ok({ data: { deleted: true } });
}

function lookupTweets(ctx: RouteContext, ids: string[], single: boolean): RouteResult {
  const { store, settings } = ctx.runtime;
  const selected = parseFieldSelection(ctx.query, 'tweet');
  if (!selected.ok) return problemResult(400, invalidRequest(selected.problems));
  const found = ids.map((id) => store.tweetById(id));
  const tweets = found.filter((t): t is NonNullable<typeof t> => t !== undefined);
  const errors = ids.filter((_, i) => !found[i]).map((id) => resourceNotFound('tweet', single ? 'id' : 'ids', id));
  const body: Record<string, unknown> = {};
  if (tweets.length > 0) {
    const data = tweets.map((t) => renderTweet(t, selected.selection));
    body['data'] = single ? data[0] : data;
    const includes = buildIncludes(tweets, selected.selection, store, viewerOf(ctx));
    if (includes) body['includes'] = includes;
  }
  if (errors.length > 0) body['errors'] = errors;
  const status = single && tweets.length === 0 ? settings.quirks.notFoundStatus : 200;
  return { status, body };
}

export const tweetRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/2/tweets', auth: 'user', rateLimit: 'tweets.create', handle: createTweet },
  {
    method: 'GET',
    path: '/2/tweets',
    auth: 'app-or-user',
    rateLimit: 'tweets.lookup',
    handle: (ctx) => {
      const problems = new ParameterProblems();
      const ids = problems.ids(ctx.query, 'ids', 100);
      if (problems.any) return problemResult(400, invalidRequest(problems.list));
      return lookupTweets(ctx, ids, false);
    },
  },
  { method: 'DELETE', path: '/2/tweets/:id', auth: 'user', rateLimit: 'tweets.delete', handle: deleteTweet },
  {
    method: 'GET',
    path: '/2/tweets/:id',
    auth: 'app-or-user',
    rateLimit: 'tweets.lookup',
    handle: (ctx) => {
      const problems = new ParameterProblems();
      const id = problems.pathId('id', pathParam(ctx, 'id'));
      if (problems.any) return problemResult(400, invalidRequest(problems.list));
      return lookupTweets(ctx, [id], true);
    },
  },
];
