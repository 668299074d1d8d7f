import type { TweetV2SingleStreamResult } from 'twitter-api-v2';

import type { StreamFailureKind } from './reconnect-policy.util';

/** One stream message: data (the tweet), includes.users, matching_rules [{id, tag}]. */
export type StreamedTweet = TweetV2SingleStreamResult;

export interface StreamRule {
  value: string;
  tag?: string;
}

export type StreamEvent =
  | { type: 'connected'; reconnect: boolean }
  | { type: 'disconnected'; reason: 'closed' | 'stalled' }
  | { type: 'connect-failed'; kind: StreamFailureKind; status?: number; error: unknown }
  | { type: 'reconnect-scheduled'; delayMs: number; kind: StreamFailureKind | 'immediate'; attempt: number }
  | { type: 'stalled'; silentForMs: number }
  /** A line that is not JSON; the stream goes on. */
  | { type: 'malformed-line'; error: unknown }
  /** An in-stream {"errors": [...]} message (e.g. an operational-disconnect notice). */
  | { type: 'stream-error'; errors: unknown[] }
  /** Valid JSON that is neither a tweet nor an error message. */
  | { type: 'unexpected-message'; payload: unknown }
  | { type: 'handler-error'; error: unknown; tweetId?: string }
  /** Reading paused (pendingTweets reached maxPendingTweets) or resumed (down to half of it). */
  | { type: 'back-pressure'; pendingTweets: number; paused: boolean };

export interface StreamCounters {
  connected: boolean;
  connectAttempts: number;
  connects: number;
  reconnects: number;
  connectFailures: number;
  drops: number;
  stalls: number;
  tweets: number;
  keepAlives: number;
  malformedLines: number;
  streamErrors: number;
  unexpectedMessages: number;
  handlerErrors: number;
  /** Tweets handed to the handler whose work has not settled yet. */
  pendingTweets: number;
  /** Times reading the stream was paused because pendingTweets reached its bound. */
  backPressurePauses: number;
  lastConnectedAt?: number;
  lastMessageAt?: number;
  /** Delay of the reconnect currently scheduled, if any. */
  nextReconnectDelayMs?: number;
}

export type TweetHandler = (tweet: StreamedTweet) => void | Promise<void>;
export type StreamEventHandler = (event: StreamEvent) => void;
