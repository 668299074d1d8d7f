import { PermanentError } from '@perch/platform';
import { type TweetV2, type TweetV2SingleStreamResult, type TwitterApi, type UserV2 } from 'twitter-api-v2';

import { DEFAULT_STREAM_EXPANSIONS, DEFAULT_STREAM_TWEET_FIELDS, DEFAULT_STREAM_USER_FIELDS } from './filtered-stream-source.adapter';
import { TwitterClientPool } from './twitter-client-pool.adapter';
import { mapXError } from './x-error-mapping.util';
import { XErrorCode } from './x-client.errors';

const MAX_PAGES = 1000;

export interface MentionsTimelineReaderOptions {
  /** e.g. http://127.0.0.1:4010 for the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
}

export interface MentionsQuery {
  /** The brand's user-context token. */
  token: string;
  userId: string;
  /** Only mentions newer than this id; '0' means every mention X still has. */
  sinceId: string;
}

export interface MentionsBatch {
  /** Oldest first, each shaped like a filtered-stream message so one normalizer serves both sources. */
  tweets: TweetV2SingleStreamResult[];
  /** The newest id seen (the next sinceId), or undefined when nothing new arrived. */
  newestId?: string;
}

/**
 * Reads a brand's mentions timeline through twitter-api-v2: the fallback when the stream is down and the
 * backfill of what was missed while Perch was. Failures are @perch/platform errors (mapXError).
 */
export class MentionsTimelineReader {
  // One client (and its keep-alive agent) per brand token, not one per poll.
  private readonly pool: TwitterClientPool;

  constructor(options: MentionsTimelineReaderOptions = {}) {
    this.pool = new TwitterClientPool({ apiBaseUrl: options.apiBaseUrl });
  }

  /** The id of the newest mention now, to start a brand's cursor without replaying its history. */
  async newestId(token: string, userId: string): Promise<string | undefined> {
    try {
      const page = await this.client(token).v2.userMentionTimeline(userId, { max_results: 5 });
      return page.meta.newest_id ?? undefined;
    } catch (error) {
      throw mapXError(error, 'read mentions');
    }
  }

  /**
   * Everything newer than sinceId, oldest first. X pages newest first, so a read cut short would leave a gap
   * below what it returned: the read goes to the last page or fails as a whole (a 429 midway is a
   * RetryableError and nothing is delivered), and the caller moves its cursor only after a whole read.
   * A backfill of 10,000 mentions is 100 requests, well within X's 300 per 15 minutes.
   */
  async readSince(query: MentionsQuery): Promise<MentionsBatch> {
    try {
      const paginator = await this.client(query.token).v2.userMentionTimeline(query.userId, {
        ...(query.sinceId === '0' ? {} : { since_id: query.sinceId }),
        max_results: 100,
        'tweet.fields': DEFAULT_STREAM_TWEET_FIELDS,
        expansions: DEFAULT_STREAM_EXPANSIONS,
        'user.fields': DEFAULT_STREAM_USER_FIELDS,
      });
      const newestId = paginator.meta.newest_id ?? undefined;
      for (let pages = 1; !paginator.done && paginator.meta.next_token; pages += 1) {
        // A pagination token that never ends would otherwise spin here for ever.
        if (pages >= MAX_PAGES) throw new PermanentError<XErrorCode>(`mentions of ${query.userId} did not end after ${MAX_PAGES} pages`, XErrorCode.Pagination);
        await paginator.fetchNext();
      }
      const users = new Map<string, UserV2>(paginator.includes.users.map((u) => [u.id, u]));
      const ordered = [...paginator.tweets].sort((a, b) => compareIds(a.id, b.id));
      return {
        tweets: ordered.map((data) => wrap(data, users)),
        ...(newestId === undefined ? {} : { newestId }),
      };
    } catch (error) {
      throw mapXError(error, 'read mentions');
    }
  }

  private client(token: string): TwitterApi {
    return this.pool.client(token);
  }
}

function wrap(data: TweetV2, users: ReadonlyMap<string, UserV2>): TweetV2SingleStreamResult {
  const author = data.author_id ? users.get(data.author_id) : undefined;
  return { data, includes: { users: author ? [author] : [] }, matching_rules: [] };
}

/** Snowflake ids compare numerically; as strings, a shorter id is older. */
export function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}
