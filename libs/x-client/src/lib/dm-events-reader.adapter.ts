import { PermanentError } from '@perch/platform';
import { type TTweetv2UserField, type TwitterApi, type UserV2 } from 'twitter-api-v2';

import { budgetedCall, budgetKey, toXRateLimit, unrefSleep } from './budgeted-call.util';
import { compareIds } from './mentions-timeline-reader.adapter';
import { RateLimitBudget } from './rate-limit-budget.domain';
import { type DirectMessageAuthor, oneToOneConversationId, type ReceivedDirectMessage } from './received-direct-message.types';
import { TwitterClientPool } from './twitter-client-pool.adapter';
import { type XRateLimit } from './x-api.port';
import { mapXError } from './x-error-mapping.util';
import { XErrorCode } from './x-client.errors';

// twitter-api-v2 1.29 does not export its DM v2 types from the package root; they are taken from listDmEvents.
type DmTimelinePaginator = Awaited<ReturnType<TwitterApi['v2']['listDmEvents']>>;
type DmEventsParams = NonNullable<Parameters<TwitterApi['v2']['listDmEvents']>[0]>;
/** A v2 DM event as twitter-api-v2 types it. */
export type DmEventV2 = DmTimelinePaginator['events'][number];

export const DM_EVENT_FIELDS = ['id', 'event_type', 'text', 'sender_id', 'dm_conversation_id', 'created_at', 'participant_ids'] as const;
export const DM_SENDER_FIELDS: TTweetv2UserField[] = ['public_metrics', 'created_at', 'username', 'name', 'connection_status'];

/** A backfill of 30 days of DMs at 100 a page stays far below this; a pagination token that never ends does not. */
const MAX_PAGES = 500;
const DM_EVENTS_ENDPOINT = 'dm_events.list';

export interface DmEventsReaderOptions {
  /** e.g. http://127.0.0.1:4010 for the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
  /** X allows 15 reads of /2/dm_events per 15 minutes per user: reads wait for their window instead of drawing 429s. */
  budget?: RateLimitBudget;
  now?: () => number;
}

export interface DmEventsQuery {
  /** The inbox owner's user-context token. */
  token: string;
  /** The inbox owner's id (the brand). */
  userId: string;
  /** Only events newer than this id; '0' means every event X still has. */
  sinceId: string;
  /** Cancels a read waiting for its rate-limit window. */
  signal?: AbortSignal;
}

export interface DmEventsProblem {
  reason: string;
  raw: string;
}

export interface DmEventsBatch {
  /** Every message newer than sinceId, oldest first, the inbox owner's own included (the caller filters). */
  messages: ReceivedDirectMessage[];
  /** Events X sent that could not be read (no sender, no text): the caller dead-letters them. */
  problems: DmEventsProblem[];
  /** The newest event id seen (the next sinceId), or undefined when nothing new arrived. */
  newestId?: string;
  pages: number;
}

/** The port DmPollingSource reads through; DmEventsReader is its X adapter. */
export interface DirectMessageTimeline {
  newestEventId(token: string, userId: string, signal?: AbortSignal): Promise<string | undefined>;
  readSince(query: DmEventsQuery): Promise<DmEventsBatch>;
}

/**
 * A brand's DM events (GET /2/dm_events) through twitter-api-v2's listDmEvents. X has no since_id here: pages come
 * newest first and the read stops at the first page that reaches sinceId. Failures are @perch/platform errors.
 */
export class DmEventsReader implements DirectMessageTimeline {
  private readonly pool: TwitterClientPool;
  private readonly budget: RateLimitBudget;
  private readonly now: () => number;

  constructor(options: DmEventsReaderOptions = {}) {
    this.now = options.now ?? Date.now;
    this.pool = new TwitterClientPool({ apiBaseUrl: options.apiBaseUrl });
    // A window is 15 minutes; a read that must wait longer than one window is better retried later.
    this.budget = options.budget ?? new RateLimitBudget({ now: this.now, sleep: unrefSleep, maxWaitMs: 16 * 60_000 });
  }

  /** The id of the newest DM event now, to start a brand's cursor without replaying its inbox. */
  async newestEventId(token: string, _userId: string, signal?: AbortSignal): Promise<string | undefined> {
    const page = await this.firstPage(token, { max_results: 1 }, signal);
    return page.events.reduce<string | undefined>((max, e) => (max === undefined || compareIds(e.id, max) > 0 ? e.id : max), undefined);
  }

  /**
   * Every event newer than sinceId, oldest first. A read cut short would leave a gap below what it returned, so it
   * reaches sinceId (or the end of the inbox) or fails as a whole; the caller moves its cursor only after a whole read.
   */
  async readSince(query: DmEventsQuery): Promise<DmEventsBatch> {
    const paginator = await this.firstPage(query.token, { max_results: 100 }, query.signal);
    let pages = 1;
    let read = 0;
    for (;;) {
      const page = paginator.events.slice(read);
      read = paginator.events.length;
      const reachedCursor = query.sinceId !== '0' && page.some((e) => compareIds(e.id, query.sinceId) <= 0);
      if (reachedCursor || paginator.done || page.length === 0) break;
      if (pages >= MAX_PAGES) throw new PermanentError<XErrorCode>(`DM events of ${query.userId} did not end after ${MAX_PAGES} pages`, XErrorCode.Pagination);
      await this.read(query.token, query.signal, async () => {
        await paginator.fetchNext();
        return { value: undefined, rateLimit: toXRateLimit(paginator.rateLimit) };
      });
      pages += 1;
    }

    const users = new Map<string, UserV2>(paginator.includes.users.map((u) => [u.id, u]));
    const fresh = paginator.events.filter((e) => compareIds(e.id, query.sinceId) > 0).sort((a, b) => compareIds(a.id, b.id));
    const batch: DmEventsBatch = { messages: [], problems: [], pages };
    for (const event of fresh) {
      const message = toReceived(event, query.userId, users);
      if (typeof message === 'string') batch.problems.push({ reason: message, raw: JSON.stringify(event) });
      else if (message) batch.messages.push(message);
    }
    const newest = fresh[fresh.length - 1];
    if (newest) batch.newestId = newest.id;
    return batch;
  }

  private async firstPage(token: string, params: DmEventsParams, signal: AbortSignal | undefined): Promise<DmTimelinePaginator> {
    return this.read(token, signal, async () => {
      const paginator = await this.client(token).v2.listDmEvents({
        ...params,
        event_types: 'MessageCreate',
        'dm_event.fields': DM_EVENT_FIELDS.join(','),
        expansions: 'sender_id',
        'user.fields': DM_SENDER_FIELDS.join(','),
      });
      return { value: paginator, rateLimit: toXRateLimit(paginator.rateLimit) };
    });
  }

  private read<T>(token: string, signal: AbortSignal | undefined, call: () => Promise<{ value: T; rateLimit?: XRateLimit | undefined }>): Promise<T> {
    return budgetedCall(
      { budget: this.budget, key: budgetKey(token, DM_EVENTS_ENDPOINT), now: this.now, ...(signal ? { signal } : {}) },
      async () => {
        try {
          return await call();
        } catch (error) {
          throw mapXError(error, 'read DM events', this.now());
        }
      },
    );
  }

  private client(token: string): TwitterApi {
    return this.pool.client(token);
  }
}

/** A v2 DM event in Perch's shape; undefined for events that are not messages, a string for unreadable ones. */
export function toReceived(event: DmEventV2, inboxOwnerId: string, users: ReadonlyMap<string, UserV2>): ReceivedDirectMessage | string | undefined {
  if (event.event_type !== 'MessageCreate') return undefined;
  if (!event.sender_id) return `DM event ${event.id} has no sender_id (ask for dm_event.fields=sender_id)`;
  if (typeof event.text !== 'string') return `DM event ${event.id} has no text`;
  const senderId = event.sender_id;
  const fromConversation = event.dm_conversation_id?.split('-');
  const others = (event.participant_ids ?? (fromConversation?.length === 2 ? fromConversation : [])).filter((p) => p !== senderId);
  const recipientId = others.length === 1 ? others[0] : undefined;
  const conversationId = event.dm_conversation_id ?? (recipientId ? oneToOneConversationId(senderId, recipientId) : undefined);
  const sender = authorOf(users.get(senderId));
  return {
    id: event.id,
    forUserId: inboxOwnerId,
    senderId,
    text: event.text,
    ...(recipientId ? { recipientId } : {}),
    ...(conversationId ? { conversationId } : {}),
    ...(event.created_at ? { createdAt: event.created_at } : {}),
    ...(event.entities?.mentions ? { mentions: event.entities.mentions.map((m) => m.username) } : {}),
    ...(sender ? { sender } : {}),
  };
}

function authorOf(user: UserV2 | undefined): DirectMessageAuthor | undefined {
  if (!user) return undefined;
  const author: DirectMessageAuthor = { id: user.id, username: user.username, name: user.name };
  const metrics = user.public_metrics;
  if (metrics?.followers_count !== undefined) author.followersCount = metrics.followers_count;
  if (metrics?.following_count !== undefined) author.followingCount = metrics.following_count;
  if (metrics?.tweet_count !== undefined) author.tweetCount = metrics.tweet_count;
  // connection_status is relative to the caller (the inbox owner): followed_by means the sender follows the brand.
  if (user.connection_status) author.followsYou = user.connection_status.includes('followed_by');
  return author;
}
