import { type TweetV2, type TweetV2LookupResult, type TweetV2SingleStreamResult, type TwitterApi, type UserV2 } from 'twitter-api-v2';

import { budgetedCall, budgetKey, toXRateLimit, unrefSleep } from './budgeted-call.util';
import { DEFAULT_STREAM_EXPANSIONS, DEFAULT_STREAM_TWEET_FIELDS, DEFAULT_STREAM_USER_FIELDS } from './filtered-stream-source.adapter';
import { RateLimitBudget } from './rate-limit-budget.domain';
import { TwitterClientPool } from './twitter-client-pool.adapter';
import { mapXError } from './x-error-mapping.util';

export interface TweetLookupReaderOptions {
  apiBaseUrl?: string;
  budget?: RateLimitBudget;
  now?: () => number;
  /** Longest a lookup waits for its rate-limit window before failing as retryable. Default 0: never wait. */
  maxWaitMs?: number;
}

/**
 * Tweets by id, in the filtered stream's shape and with the stream's fields (GET /2/tweets?ids=). The Account
 * Activity webhook sends v1.1 tweets without conversation_id; a reply is looked up here so that it joins the same
 * thread, with the same conversation key, as when the stream delivers it.
 */
export class TweetLookupReader {
  private readonly pool: TwitterClientPool;
  private readonly budget: RateLimitBudget;
  private readonly now: () => number;

  constructor(options: TweetLookupReaderOptions = {}) {
    this.now = options.now ?? Date.now;
    this.pool = new TwitterClientPool({ apiBaseUrl: options.apiBaseUrl });
    // A webhook delivery is waiting for the answer, and X gives up on it after 3 s without retrying: with the window
    // spent, fail at once and let the stream or the mentions poll bring the reply (with its conversation_id).
    this.budget = options.budget ?? new RateLimitBudget({ now: this.now, sleep: unrefSleep, maxWaitMs: options.maxWaitMs ?? 0 });
  }

  /** Up to 100 ids; tweets X no longer has are left out. */
  async lookup(token: string, ids: readonly string[]): Promise<TweetV2SingleStreamResult[]> {
    if (ids.length === 0) return [];
    const result = await budgetedCall({ budget: this.budget, key: budgetKey(token, 'tweets.lookup'), now: this.now }, async () => {
      try {
        const response = await this.client(token).v2.get<TweetV2LookupResult>(
          'tweets',
          {
            ids: ids.join(','),
            'tweet.fields': DEFAULT_STREAM_TWEET_FIELDS.join(','),
            expansions: DEFAULT_STREAM_EXPANSIONS.join(','),
            'user.fields': DEFAULT_STREAM_USER_FIELDS.join(','),
          },
          { fullResponse: true },
        );
        return { value: response.data, rateLimit: toXRateLimit(response.rateLimit) };
      } catch (error) {
        throw mapXError(error, 'look up tweets', this.now());
      }
    });
    const users = new Map<string, UserV2>((result.includes?.users ?? []).map((u) => [u.id, u]));
    return (result.data ?? []).map((data: TweetV2) => {
      const author = data.author_id ? users.get(data.author_id) : undefined;
      return { data, includes: { users: author ? [author] : [] }, matching_rules: [] };
    });
  }

  private client(token: string): TwitterApi {
    return this.pool.client(token);
  }
}
