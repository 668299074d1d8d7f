import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';

import { NotFoundError, RetryableError } from '@perch/platform';
import type { SendTweetV2Params, TTweetv2UserField, TweetV2PostTweetResult, TwitterApi, UserV2 } from 'twitter-api-v2';

import { RateLimitBudget } from './rate-limit-budget';
import { createTwitterClient } from './twitter-client.factory';
import type { FindReplyQuery, LookupUserQuery, PostedTweet, PostTweetCommand, XApiPort, XRateLimit, XUserProfile } from './x-api.port';
import { mapXError } from './x-error-mapping.util';

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

/** Tokens are secrets: the budget is keyed by a digest, never the token itself. */
function budgetKey(token: string, endpoint: string): string {
  return `${createHash('sha256').update(token).digest('base64url').slice(0, 16)}:${endpoint}`;
}

/** X may prefix a reply with the mentions it populates itself; the agent's words are what identify it. */
function withoutLeadingMentions(text: string): string {
  return text.replace(/^(\s*@\w{1,15})+\s*/, '').trim();
}

function rateLimitOf(error: RetryableError): XRateLimit | undefined {
  const raw = error.details?.['rateLimit'] as { limit?: number; remaining?: number; reset?: number } | undefined;
  if (!raw || typeof raw.reset !== 'number') return undefined;
  return { limit: raw.limit ?? 0, remaining: raw.remaining ?? 0, resetAt: raw.reset * 1000 };
}

/** XApiPort over twitter-api-v2, for the real X API and the simulator alike. */
export class TwitterApiXAdapter implements XApiPort {
  private readonly clients = new Map<string, TwitterApi>();
  private readonly now: () => number;

  private readonly budget: RateLimitBudget;

  constructor(private readonly options: TwitterApiXAdapterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.budget = options.budget ?? new RateLimitBudget({ now: this.now });
  }

  async postTweet(command: PostTweetCommand): Promise<PostedTweet> {
    const payload: SendTweetV2Params = { text: command.text };
    if (command.inReplyToTweetId) {
      payload.reply = { in_reply_to_tweet_id: command.inReplyToTweetId };
      if (command.excludeReplyUserIds?.length) payload.reply.exclude_reply_user_ids = command.excludeReplyUserIds;
    }
    const key = budgetKey(command.brandToken, 'tweets.create');
    // A 429 means X refused before creating anything, so sending again after the reset cannot post twice.
    const startedAt = this.now();
    for (let attempt = 1; ; attempt += 1) {
      await this.budget.acquire(key, startedAt);
      try {
        const posted = await this.sendTweet(command.brandToken, payload);
        if (posted.rateLimit) this.budget.record(key, posted.rateLimit);
        return posted;
      } catch (error) {
        if (!(error instanceof RetryableError) || error.code !== 'x-rate-limited') {
          this.budget.release(key);
          throw error;
        }
        const rateLimit = rateLimitOf(error);
        this.budget.record(key, rateLimit ?? { limit: 0, remaining: 0, resetAt: this.now() + (error.retryAfterMs ?? 60_000) });
        if (attempt >= MAX_RATE_LIMITED_ATTEMPTS) throw error;
      } finally {
        // A success without headers still ends the probe; record() already did otherwise.
        this.budget.release(key);
      }
    }
  }

  private async sendTweet(token: string, payload: SendTweetV2Params): Promise<PostedTweet> {
    try {
      // post() with fullResponse (instead of v2.tweet) keeps the rate-limit headers for the caller.
      const response = await this.client(token).v2.post<TweetV2PostTweetResult>('tweets', payload, {
        fullResponse: true,
      });
      const posted: PostedTweet = { tweetId: response.data.data.id, text: response.data.data.text };
      if (response.rateLimit) {
        posted.rateLimit = {
          limit: response.rateLimit.limit,
          remaining: response.rateLimit.remaining,
          resetAt: response.rateLimit.reset * 1000,
        };
      }
      return posted;
    } catch (error) {
      throw mapXError(error, 'post tweet', this.now());
    }
  }

  async findReply(query: FindReplyQuery): Promise<PostedTweet | undefined> {
    const wanted = withoutLeadingMentions(query.text);
    try {
      const timeline = await this.client(query.brandToken).v2.userTimeline(query.brandId, {
        max_results: 100,
        'tweet.fields': ['referenced_tweets', 'created_at'],
      });
      // The reply of a worker that died within its lease is among the brand's newest tweets: two pages reach far enough.
      if (!timeline.done) await timeline.fetchNext();
      const match = timeline.tweets.find(
        (t) =>
          t.referenced_tweets?.some((r) => r.type === 'replied_to' && r.id === query.inReplyToTweetId) === true &&
          withoutLeadingMentions(t.text) === wanted,
      );
      return match ? { tweetId: match.id, text: match.text } : undefined;
    } catch (error) {
      throw mapXError(error, 'find reply', this.now());
    }
  }

  async lookupUser(query: LookupUserQuery): Promise<XUserProfile> {
    try {
      const result = await this.client(query.token).v2.user(query.userId, { 'user.fields': USER_FIELDS });
      // X answers an unknown id with 200 and errors[] (no data): the library does not throw for that.
      const data = result.data as UserV2 | undefined;
      if (!data) throw new NotFoundError(`X user ${query.userId} not found`, 'x-not-found', { errors: result.errors });
      return toProfile(data);
    } catch (error) {
      throw mapXError(error, 'lookup user', this.now());
    }
  }

  async me(token: string): Promise<XUserProfile> {
    try {
      const result = await this.client(token).v2.me({ 'user.fields': USER_FIELDS });
      return toProfile(result.data);
    } catch (error) {
      throw mapXError(error, 'me', this.now());
    }
  }

  private client(token: string): TwitterApi {
    const cached = this.clients.get(token);
    if (cached) return cached;
    const client = createTwitterClient({ token, apiBaseUrl: this.options.apiBaseUrl, httpAgent: this.options.httpAgent });
    this.clients.set(token, client);
    if (this.clients.size > (this.options.maxCachedClients ?? 1000)) {
      const oldest = this.clients.keys().next();
      if (!oldest.done) this.clients.delete(oldest.value);
    }
    return client;
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
