import { type ReferencedTweetV2, type TweetEntityMentionV2, type TweetV2, type TweetV2SingleStreamResult, type UserV2 } from 'twitter-api-v2';

import { type DirectMessageAuthor, oneToOneConversationId, type ReceivedDirectMessage } from '../received-direct-message.types';

/** The rule id Account Activity tweets carry, next to a `brand:<for_user_id>` tag, so the stream's normalizer attributes them. */
export const ACCOUNT_ACTIVITY_RULE_ID = 'account-activity';

export interface AccountActivityFollow {
  type: 'follow' | 'unfollow';
  sourceId: string;
  targetId: string;
  /** ISO 8601, when X sent created_timestamp. */
  createdAt?: string;
}

export interface AccountActivityTweet {
  /** The v1.1 tweet in the filtered stream's v2 shape, tagged `brand:<for_user_id>`. */
  result: TweetV2SingleStreamResult;
  /** Retweets reach a brand's webhook too; the stream's rules leave them out, and so does Perch. */
  isRetweet: boolean;
  /**
   * v1.1 tweets carry no conversation_id. A stand-alone tweet is its own thread root; a reply's root is known only
   * when X says so: false means the reply's conversation must be looked up before it can join the right thread.
   */
  conversationKnown: boolean;
}

export interface AccountActivityProblem {
  reason: string;
  /** The offending event as X sent it. */
  raw: string;
}

/** One webhook delivery, read. */
export interface AccountActivityDelivery {
  /** The subscribed account the events are for. */
  forUserId: string;
  directMessages: ReceivedDirectMessage[];
  tweets: AccountActivityTweet[];
  follows: AccountActivityFollow[];
  /** Events that could not be read; the caller dead-letters each one and keeps the rest. */
  problems: AccountActivityProblem[];
  /** Event kinds Perch does not act on (favorites, typing indicators, deletes…), for logs and counts. */
  ignoredKinds: string[];
  /** direct_message_events entries that are not message_create (e.g. read receipts) */
  ignoredDirectMessageEvents: number;
}

export type AccountActivityParseResult = { ok: true; delivery: AccountActivityDelivery } | { ok: false; reason: string };

type Json = Record<string, unknown>;

const ID = /^\d{1,19}$/;
const HANDLED = new Set(['for_user_id', 'user_has_blocked', 'direct_message_events', 'tweet_create_events', 'follow_events', 'users', 'apps']);

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function id(value: unknown): string | undefined {
  return typeof value === 'string' && ID.test(value) ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function isoFromMillis(value: unknown): string | undefined {
  const ms = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function isoFromV1Date(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A v1.1 user (`id_str` in tweets, `id` as a string in the DM `users` map). */
function authorFromV1(user: Json | undefined, fallbackId: string): DirectMessageAuthor | undefined {
  if (!user) return undefined;
  const userId = id(user['id_str']) ?? id(user['id']) ?? fallbackId;
  const username = text(user['screen_name']);
  if (!username) return undefined;
  const author: DirectMessageAuthor = { id: userId, username, name: text(user['name']) ?? username };
  const followers = count(user['followers_count']);
  const following = count(user['friends_count']);
  const tweets = count(user['statuses_count']);
  if (followers !== undefined) author.followersCount = followers;
  if (following !== undefined) author.followingCount = following;
  if (tweets !== undefined) author.tweetCount = tweets;
  return author;
}

function mentionsOf(entities: Json | undefined): { username: string; id?: string; start: number; end: number }[] {
  return list(entities?.['user_mentions']).flatMap((m) => {
    const mention = record(m);
    const username = text(mention?.['screen_name']);
    if (!mention || !username) return [];
    const indices = list(mention['indices']);
    const start = count(indices[0]) ?? 0;
    const end = count(indices[1]) ?? start + username.length + 1;
    const mentionId = id(mention['id_str']);
    return [{ username, start, end, ...(mentionId ? { id: mentionId } : {}) }];
  });
}

function directMessageFrom(event: Json, forUserId: string, users: Json | undefined): ReceivedDirectMessage | string {
  const eventId = id(event['id']);
  if (!eventId) return 'direct message event without a valid id';
  const create = record(event['message_create']);
  const senderId = id(create?.['sender_id']);
  if (!create || !senderId) return `direct message ${eventId} has no message_create.sender_id`;
  const data = record(create['message_data']);
  const body = text(data?.['text']);
  if (body === undefined) return `direct message ${eventId} has no message_data.text`;
  const recipientId = id(record(create['target'])?.['recipient_id']);
  const createdAt = isoFromMillis(event['created_timestamp']);
  const sender = authorFromV1(record(users?.[senderId]), senderId);
  const mentions = mentionsOf(record(data?.['entities'])).map((m) => m.username);
  return {
    id: eventId,
    forUserId,
    senderId,
    text: body,
    ...(recipientId ? { recipientId, conversationId: oneToOneConversationId(senderId, recipientId) } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(sender ? { sender } : {}),
  };
}

/** A v1.1 tweet as the filtered stream would have delivered it (same fields Perch asks the stream for). */
function tweetFrom(raw: Json, forUserId: string): AccountActivityTweet | string {
  const tweetId = id(raw['id_str']);
  if (!tweetId) return 'tweet event without a valid id_str';
  const user = record(raw['user']);
  const authorId = id(user?.['id_str']);
  if (!user || !authorId) return `tweet ${tweetId} has no user.id_str`;
  const extended = record(raw['extended_tweet']);
  const body = text(extended?.['full_text']) ?? text(raw['full_text']) ?? text(raw['text']);
  if (body === undefined) return `tweet ${tweetId} has no text`;

  const repliedTo = id(raw['in_reply_to_status_id_str']);
  const quoted = raw['is_quote_status'] === true ? id(raw['quoted_status_id_str']) : undefined;
  const retweeted = id(record(raw['retweeted_status'])?.['id_str']);
  const referenced: ReferencedTweetV2[] = [
    ...(repliedTo ? [{ type: 'replied_to' as const, id: repliedTo }] : []),
    ...(quoted ? [{ type: 'quoted' as const, id: quoted }] : []),
    ...(retweeted ? [{ type: 'retweeted' as const, id: retweeted }] : []),
  ];
  // Some payloads carry the thread root; otherwise only a tweet that replies to nothing is known to be its own root.
  const conversationId = id(raw['conversation_id_str']) ?? (repliedTo ? undefined : tweetId);
  const mentions: TweetEntityMentionV2[] = mentionsOf(record(extended?.['entities']) ?? record(raw['entities'])).map((m) => ({
    start: m.start,
    end: m.end,
    username: m.username,
    id: m.id ?? '',
  }));
  const createdAt = isoFromV1Date(raw['created_at']);
  const inReplyToUserId = id(raw['in_reply_to_user_id_str']);

  const data: TweetV2 = {
    id: tweetId,
    text: body,
    edit_history_tweet_ids: [tweetId],
    author_id: authorId,
    ...(createdAt ? { created_at: createdAt } : {}),
    ...(conversationId ? { conversation_id: conversationId } : {}),
    ...(inReplyToUserId ? { in_reply_to_user_id: inReplyToUserId } : {}),
    ...(referenced.length > 0 ? { referenced_tweets: referenced } : {}),
    ...(mentions.length > 0 ? { entities: { annotations: [], urls: [], hashtags: [], cashtags: [], mentions } } : {}),
  };
  const author = authorFromV1(user, authorId);
  const users: UserV2[] = author
    ? [
        {
          id: author.id,
          username: author.username,
          name: author.name,
          public_metrics: {
            followers_count: author.followersCount ?? 0,
            following_count: author.followingCount ?? 0,
            tweet_count: author.tweetCount ?? 0,
            listed_count: count(user['listed_count']) ?? 0,
          },
        },
      ]
    : [];
  return {
    result: { data, includes: { users }, matching_rules: [{ id: ACCOUNT_ACTIVITY_RULE_ID, tag: `brand:${forUserId}` }] },
    isRetweet: retweeted !== undefined,
    conversationKnown: conversationId !== undefined,
  };
}

function followFrom(event: Json): AccountActivityFollow | string {
  const type = text(event['type']);
  const sourceId = id(record(event['source'])?.['id']) ?? id(record(event['source'])?.['id_str']);
  const targetId = id(record(event['target'])?.['id']) ?? id(record(event['target'])?.['id_str']);
  if ((type !== 'follow' && type !== 'unfollow') || !sourceId || !targetId) return 'follow event without type, source.id or target.id';
  const createdAt = isoFromMillis(event['created_timestamp']);
  return { type, sourceId, targetId, ...(createdAt ? { createdAt } : {}) };
}

/**
 * Reads one Account Activity delivery (reference §4; v1.1 objects). The whole delivery is refused only when it
 * is not JSON or names no for_user_id; an unreadable event inside is reported on its own and the others kept.
 */
export function parseAccountActivityPayload(raw: string): AccountActivityParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reason: `unparsable webhook body: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = record(parsed);
  if (!body) return { ok: false, reason: 'webhook body is not a JSON object' };
  const forUserId = id(body['for_user_id']);
  if (!forUserId) return { ok: false, reason: 'webhook body has no valid for_user_id' };

  const delivery: AccountActivityDelivery = {
    forUserId,
    directMessages: [],
    tweets: [],
    follows: [],
    problems: [],
    ignoredKinds: Object.keys(body).filter((key) => !HANDLED.has(key)),
    ignoredDirectMessageEvents: 0,
  };
  const users = record(body['users']);
  for (const entry of list(body['direct_message_events'])) {
    const event = record(entry);
    if (event && event['type'] !== 'message_create') {
      delivery.ignoredDirectMessageEvents += 1;
      continue;
    }
    const dm = event ? directMessageFrom(event, forUserId, users) : 'direct message event is not an object';
    if (typeof dm === 'string') delivery.problems.push({ reason: dm, raw: JSON.stringify(entry) });
    else delivery.directMessages.push(dm);
  }
  for (const entry of list(body['tweet_create_events'])) {
    const event = record(entry);
    const tweet = event ? tweetFrom(event, forUserId) : 'tweet event is not an object';
    if (typeof tweet === 'string') delivery.problems.push({ reason: tweet, raw: JSON.stringify(entry) });
    else delivery.tweets.push(tweet);
  }
  for (const entry of list(body['follow_events'])) {
    const event = record(entry);
    const follow = event ? followFrom(event) : 'follow event is not an object';
    if (typeof follow === 'string') delivery.problems.push({ reason: follow, raw: JSON.stringify(entry) });
    else delivery.follows.push(follow);
  }
  return { ok: true, delivery };
}
