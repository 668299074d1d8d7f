import type { Agent } from 'node:http';

import { NotFoundError } from '@perch/platform';
import type {
  SendTweetV2Params,
  TTweetv2UserField,
  TweetV2PostTweetResult,
  TwitterApi,
  TwitterRateLimit,
  UserV2,
} from 'twitter-api-v2';
import { extractUrlsWithIndices } from 'twitter-text';

import { RateLimitBudget } from './rate-limit-budget.domain';
import { budgetedCall, budgetKey, toXRateLimit } from './budgeted-call.util';
import { oneToOneConversationId } from './received-direct-message.types';
import { TwitterClientPool } from './twitter-client-pool.adapter';
import type {
  FindDmQuery,
  FindTweetQuery,
  FollowCommand,
  FollowResult,
  LookupUserQuery,
  PostedTweet,
  PostTweetCommand,
  SendDmCommand,
  SentDm,
  XApiPort,
  XUserProfile,
} from './x-api.port';
import { mapXError } from './x-error-mapping.util';
import { XErrorCode } from './x-client.errors';

const USER_FIELDS: TTweetv2UserField[] = [
  'created_at',
  'description',
  'location',
  'verified',
  'protected',
  'public_metrics',
  'connection_status',
  'receives_your_dm',
];

export interface TwitterApiXAdapterOptions {
  /** e.g. http://127.0.0.1:4010 for the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
  httpAgent?: Agent;
  /** Clients are cached per token; beyond this many the oldest is dropped. */
  maxCachedClients?: number;
  now?: () => number;
  /** X's rate-limit windows per token and endpoint; calls wait for their window instead of drawing 429s. */
  budget?: RateLimitBudget;
}

const MAX_RATE_LIMITED_ATTEMPTS = 3;

/**
 * The words that identify a tweet we sent, compared the way X stores them: X may prefix a reply with
 * mentions it populated, escapes &, < and > in `text`, and replaces every URL with a t.co link.
 */
export function tweetMatchKey(text: string): string {
  const unescaped = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const body = unescaped.replace(/^(\s*[@＠]\w{1,15})+\s*/, '');
  let masked = '';
  let last = 0;
  for (const { indices } of extractUrlsWithIndices(body)) {
    masked += `${body.slice(last, indices[0])}<url>`;
    last = indices[1];
  }
  return (masked + body.slice(last)).replace(/\s+/g, ' ').trim();
}

/** XApiPort over twitter-api-v2, for the real X API and the simulator alike. */
export class TwitterApiXAdapter implements XApiPort {
  private readonly pool: TwitterClientPool;
  private readonly now: () => number;

  private readonly budget: RateLimitBudget;

  constructor(options: TwitterApiXAdapterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.budget = options.budget ?? new RateLimitBudget({ now: this.now });
    this.pool = new TwitterClientPool({ apiBaseUrl: options.apiBaseUrl, httpAgent: options.httpAgent, maxClients: options.maxCachedClients ?? 1000 });
  }

  async postTweet(command: PostTweetCommand): Promise<PostedTweet> {
    const payload: SendTweetV2Params = { text: command.text };
    if (command.inReplyToTweetId) {
      payload.reply = { in_reply_to_tweet_id: command.inReplyToTweetId };
      if (command.excludeReplyUserIds?.length) payload.reply.exclude_reply_user_ids = command.excludeReplyUserIds;
    }
    return this.withinBudget(command.brandToken, 'tweets.create', 'post tweet', async (client) => {
      const response = await client.v2.post<TweetV2PostTweetResult>('tweets', payload, { fullResponse: true });
      const posted: PostedTweet = { tweetId: response.data.data.id, text: response.data.data.text };
      const rateLimit = toXRateLimit(response.rateLimit);
      if (rateLimit) posted.rateLimit = rateLimit;
      return { value: posted, rateLimit: response.rateLimit };
    });
  }

  async findTweet(query: FindTweetQuery): Promise<PostedTweet | undefined> {
    const wanted = tweetMatchKey(query.text);
    return this.withinBudget(query.brandToken, 'users.tweets', 'find tweet', async (client) => {
      const timeline = await client.v2.userTimeline(query.brandId, {
        max_results: 100,
        'tweet.fields': ['referenced_tweets', 'created_at'],
      });
      // The tweet of a worker that died within its lease is among the brand's newest: two pages reach far enough.
      if (!timeline.done) await timeline.fetchNext();
      const match = timeline.tweets.find((t) => {
        const parent = t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
        return parent === query.inReplyToTweetId && tweetMatchKey(t.text) === wanted;
      });
      return { value: match ? { tweetId: match.id, text: match.text } : undefined, rateLimit: timeline.rateLimit };
    });
  }

  async sendDm(command: SendDmCommand): Promise<SentDm> {
    return this.withinBudget(command.brandToken, 'dm.send', 'send DM', async (client) => {
      const response = await client.v2.post<{ data: { dm_conversation_id: string; dm_event_id: string } }>(
        `dm_conversations/with/${encodeURIComponent(command.participantId)}/messages`,
        { text: command.text },
        { fullResponse: true },
      );
      return {
        value: { dmEventId: response.data.data.dm_event_id, dmConversationId: response.data.data.dm_conversation_id },
        rateLimit: response.rateLimit,
      };
    });
  }

  async findDm(query: FindDmQuery): Promise<SentDm | undefined> {
    return this.withinBudget(query.brandToken, 'dm.lookup', 'find DM', async (client) => {
      const events = await client.v2.listDmEventsWithParticipant(query.participantId, {
        max_results: 100,
        event_types: ['MessageCreate'],
        'dm_event.fields': ['id', 'sender_id', 'text', 'dm_conversation_id', 'created_at'],
      });
      const match = events.events.find((e) => e.event_type === 'MessageCreate' && e.sender_id === query.brandId && e.text === query.text);
      const value = match
        ? { dmEventId: match.id, dmConversationId: match.dm_conversation_id ?? oneToOneConversationId(query.brandId, query.participantId) }
        : undefined;
      return { value, rateLimit: events.rateLimit };
    });
  }

  async follow(command: FollowCommand): Promise<FollowResult> {
    return this.withinBudget(command.brandToken, 'users.follow', 'follow', async (client) => {
      const response = await client.v2.post<{ data: { following: boolean; pending_follow?: boolean } }>(
        `users/${encodeURIComponent(command.brandId)}/following`,
        { target_user_id: command.targetUserId },
        { fullResponse: true },
      );
      return {
        value: { following: response.data.data.following, pendingFollow: response.data.data.pending_follow ?? false },
        rateLimit: response.rateLimit,
      };
    });
  }

  async unfollow(command: FollowCommand): Promise<FollowResult> {
    return this.withinBudget(command.brandToken, 'users.unfollow', 'unfollow', async (client) => {
      const response = await client.v2.delete<{ data: { following: boolean } }>(
        `users/${encodeURIComponent(command.brandId)}/following/${encodeURIComponent(command.targetUserId)}`,
        undefined,
        { fullResponse: true },
      );
      return { value: { following: response.data.data.following, pendingFollow: false }, rateLimit: response.rateLimit };
    });
  }

  async lookupUser(query: LookupUserQuery): Promise<XUserProfile> {
    return this.withinBudget(query.token, 'users.lookup', 'lookup user', async (client) => {
      const response = await client.v2.get<{ data?: UserV2; errors?: unknown }>(
        `users/${encodeURIComponent(query.userId)}`,
        { 'user.fields': USER_FIELDS.join(',') },
        { fullResponse: true },
      );
      // X answers an unknown id with 200 and errors[] (no data): the library does not throw for that.
      const data = response.data.data;
      if (!data) throw new NotFoundError<XErrorCode>(`X user ${query.userId} not found`, XErrorCode.NotFound, { errors: response.data.errors });
      return { value: toProfile(data), rateLimit: response.rateLimit };
    });
  }

  async me(token: string): Promise<XUserProfile> {
    return this.withinBudget(token, 'users.me', 'me', async (client) => {
      const response = await client.v2.get<{ data: UserV2 }>('users/me', { 'user.fields': USER_FIELDS.join(',') }, { fullResponse: true });
      return { value: toProfile(response.data.data), rateLimit: response.rateLimit };
    });
  }

  /** One call to X inside the token's window for that endpoint (see budgetedCall). */
  private withinBudget<T>(
    token: string,
    endpoint: string,
    operation: string,
    call: (client: TwitterApi) => Promise<{ value: T; rateLimit?: TwitterRateLimit }>,
  ): Promise<T> {
    return budgetedCall({ budget: this.budget, key: budgetKey(token, endpoint), now: this.now, maxAttempts: MAX_RATE_LIMITED_ATTEMPTS }, async () => {
      try {
        const { value, rateLimit } = await call(this.pool.client(token));
        return { value, rateLimit: toXRateLimit(rateLimit) };
      } catch (error) {
        throw mapXError(error, operation, this.now());
      }
    });
  }

}

export function toProfile(user: UserV2): XUserProfile {
  const status = user.connection_status ?? [];
  const profile: XUserProfile = {
    id: user.id,
    username: user.username,
    name: user.name,
    connectionStatus: status,
    followsYou: status.includes('followed_by'),
    followedByYou: status.includes('following'),
  };
  if (user.description !== undefined) profile.description = user.description;
  if (user.location !== undefined) profile.location = user.location;
  if (user.created_at !== undefined) profile.createdAt = user.created_at;
  if (user.verified !== undefined) profile.verified = user.verified;
  if (user.protected !== undefined) profile.protected = user.protected;
  if (user.receives_your_dm !== undefined) profile.receivesYourDm = user.receives_your_dm;
  const m = user.public_metrics;
  if (m) {
    profile.publicMetrics = {
      followersCount: m.followers_count ?? 0,
      followingCount: m.following_count ?? 0,
      tweetCount: m.tweet_count ?? 0,
      listedCount: m.listed_count ?? 0,
      likeCount: m.like_count ?? 0,
    };
  }
  return profile;
}
