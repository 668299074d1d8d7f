import { Readable } from 'node:stream';

import { createLogger, errorMessage, PermanentError, type Logger } from '@perch/platform';
import {
  ApiResponseError,
  ETwitterStreamEvent,
  type StreamingV2Rule,
  type TTweetv2Expansion,
  type TTweetv2TweetField,
  type TTweetv2UserField,
  type TweetSearchV2StreamParams,
  type TweetStream,
  type TwitterApi,
} from 'twitter-api-v2';

import type {
  StreamCounters,
  StreamedTweet,
  StreamEvent,
  StreamEventHandler,
  StreamRule,
  TweetHandler,
} from './filtered-stream.types';
import { ReconnectPolicy, type ReconnectDecision, type ReconnectPolicyOptions, type StreamFailureKind } from './reconnect-policy.util';
import { createTwitterClient } from './twitter-client-pool.adapter';
import { mapXError } from './x-error-mapping.util';
import { XErrorCode } from './x-client.errors';

export const DEFAULT_STREAM_TWEET_FIELDS: TTweetv2TweetField[] = [
  'created_at',
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'entities',
  // The detected language, which routing's skill rules may match on.
  'lang',
];
export const DEFAULT_STREAM_EXPANSIONS: TTweetv2Expansion[] = ['author_id', 'entities.mentions.username', 'in_reply_to_user_id'];
export const DEFAULT_STREAM_USER_FIELDS: TTweetv2UserField[] = ['username', 'name', 'public_metrics', 'verified', 'created_at'];

export interface FilteredStreamSourceOptions {
  /** App-only bearer token (the stream and its rules refuse user tokens). */
  bearerToken: string;
  /** e.g. http://127.0.0.1:4010 for the simulator; unset means the real api.x.com. */
  apiBaseUrl?: string;
  /** Use this client instead of building one from bearerToken/apiBaseUrl. */
  client?: TwitterApi;
  tweetFields?: TTweetv2TweetField[];
  expansions?: TTweetv2Expansion[];
  userFields?: TTweetv2UserField[];
  /** Ask X to replay up to 5 minutes missed while disconnected (tier-dependent on real X). */
  backfillMinutes?: number;
  /** No byte (tweet or keep-alive) for this long means the stream is stalled. Default 30 s (X sends keep-alives every 20 s). */
  stallTimeoutMs?: number;
  reconnect?: Partial<ReconnectPolicyOptions>;
  /**
   * Tweets whose handler has not settled (published, or failed) at most: at this bound reading the stream pauses,
   * and resumes at half of it. Default 1,000. A burst then waits in the socket and at X, not in this process's heap.
   */
  maxPendingTweets?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * Reads X's filtered stream through twitter-api-v2 and keeps it open. The library's own reconnect is
 * off: after a drop of a healthy connection it reconnects at once with no backoff (a tight loop
 * against a flapping server), so X's documented policy is implemented here (ReconnectPolicy).
 * Malformed lines and in-stream error messages are reported to onEvent and never stop the stream.
 */
export class FilteredStreamSource {
  private readonly client: TwitterApi;
  private readonly policy: ReconnectPolicy;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly stallTimeoutMs: number;
  private running = false;
  private current: TweetStream<StreamedTweet> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private hasConnectedBefore = false;
  private onTweet: TweetHandler = () => undefined;
  private onEvent: StreamEventHandler = () => undefined;
  private readonly stats: StreamCounters = {
    connected: false,
    connectAttempts: 0,
    connects: 0,
    reconnects: 0,
    connectFailures: 0,
    drops: 0,
    stalls: 0,
    tweets: 0,
    keepAlives: 0,
    malformedLines: 0,
    streamErrors: 0,
    unexpectedMessages: 0,
    handlerErrors: 0,
    pendingTweets: 0,
    backPressurePauses: 0,
  };
  private readonly maxPendingTweets: number;
  /** The response paused for back-pressure, if any (a reconnect brings a new one, which this does not cover). */
  private pausedResponse: Readable | undefined;

  constructor(private readonly options: FilteredStreamSourceOptions) {
    this.client = options.client ?? createTwitterClient({ token: options.bearerToken, apiBaseUrl: options.apiBaseUrl });
    this.policy = new ReconnectPolicy(options.reconnect);
    this.log = options.logger ?? createLogger('filtered-stream');
    this.now = options.now ?? Date.now;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.maxPendingTweets = Math.max(1, options.maxPendingTweets ?? 1_000);
  }

  /** A snapshot of the counters. */
  get counters(): StreamCounters {
    return { ...this.stats };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Adds the rules that are missing (compared by value) and leaves every existing rule alone,
   * ours or not. Returns the rules in place afterwards.
   */
  async ensureRules(rules: readonly StreamRule[]): Promise<{ added: StreamingV2Rule[]; rules: StreamingV2Rule[] }> {
    try {
      const existing = (await this.client.v2.streamRules()).data ?? [];
      const values = new Set(existing.map((r) => r.value));
      const missing = rules.filter((r) => !values.has(r.value));
      if (missing.length === 0) return { added: [], rules: existing };
      let added: StreamingV2Rule[] = [];
      try {
        const result = await this.client.v2.updateStreamRules({
          add: missing.map((r) => (r.tag === undefined ? { value: r.value } : { value: r.value, tag: r.tag })),
        });
        added = result.data ?? [];
        assertOnlyDuplicates(result.errors);
      } catch (error) {
        // Another instance added the same rules between our read and write: that is the goal anyway.
        if (!(error instanceof ApiResponseError) || !onlyDuplicates(error.data)) throw error;
      }
      const after = (await this.client.v2.streamRules()).data ?? [];
      return { added, rules: after };
    } catch (error) {
      throw mapXError(error, 'ensure stream rules', this.now());
    }
  }

  /**
   * Connects and keeps the stream connected until stop(). Resolves after the first connection attempt
   * (failed attempts are retried per the reconnect policy and reported to onEvent).
   */
  async start(onTweet: TweetHandler, onEvent: StreamEventHandler = () => undefined): Promise<void> {
    if (this.running) throw new Error('FilteredStreamSource already started');
    this.running = true;
    this.onTweet = onTweet;
    this.onEvent = onEvent;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stats.nextReconnectDelayMs = undefined;
    await this.connecting?.catch(() => undefined);
    const stream = this.current;
    this.current = undefined;
    this.stats.connected = false;
    // destroy() drops our listeners first, so closing is not mistaken for a drop.
    stream?.destroy();
  }

  private connect(): Promise<void> {
    this.connecting = this.connectOnce().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    if (!this.running) return;
    this.stats.connectAttempts++;
    const params: Partial<TweetSearchV2StreamParams> = {
      'tweet.fields': this.options.tweetFields ?? DEFAULT_STREAM_TWEET_FIELDS,
      expansions: this.options.expansions ?? DEFAULT_STREAM_EXPANSIONS,
      'user.fields': this.options.userFields ?? DEFAULT_STREAM_USER_FIELDS,
    };
    if (this.options.backfillMinutes) params.backfill_minutes = this.options.backfillMinutes;
    const stream = this.client.v2.searchStream({ ...params, autoConnect: false });
    try {
      this.wire(stream);
      // autoReconnect off: ReconnectPolicy decides. keepAliveTimeout is the stall detector: the
      // library resets it on every received chunk, tweets and keep-alives alike.
      await stream.connect({ autoReconnect: false, keepAliveTimeout: this.stallTimeoutMs });
    } catch (error) {
      stream.removeAllListeners();
      stream.destroy();
      this.stats.connectFailures++;
      const kind = failureKind(error);
      const status = error instanceof ApiResponseError ? error.code : undefined;
      this.log.warn({ kind, status, err: errorMessage(error) }, 'filtered stream connect failed');
      this.emit({ type: 'connect-failed', kind, status, error: mapXError(error, 'connect stream', this.now()) });
      this.schedule(this.policy.onConnectFailed(kind));
      return;
    }
    if (!this.running) {
      stream.destroy();
      return;
    }
    this.current = stream;
    this.policy.onConnected(this.now());
    this.stats.connected = true;
    this.stats.connects++;
    this.stats.lastConnectedAt = this.now();
    if (this.hasConnectedBefore) this.stats.reconnects++;
    this.emit({ type: 'connected', reconnect: this.hasConnectedBefore });
    this.hasConnectedBefore = true;
  }

  private wire(stream: TweetStream<StreamedTweet>): void {
    let stalled = false;
    stream.on(ETwitterStreamEvent.Data, (payload: unknown) => this.onData(payload));
    stream.on(ETwitterStreamEvent.DataKeepAlive, () => {
      this.stats.keepAlives++;
      this.stats.lastMessageAt = this.now();
      this.policy.onTraffic();
    });
    stream.on(ETwitterStreamEvent.DataError, (payload: unknown) => {
      this.stats.streamErrors++;
      this.stats.lastMessageAt = this.now();
      const errors = isRecord(payload) && Array.isArray(payload['errors']) ? (payload['errors'] as unknown[]) : [payload];
      this.emit({ type: 'stream-error', errors });
    });
    stream.on(ETwitterStreamEvent.TweetParseError, (error: unknown) => {
      this.stats.malformedLines++;
      this.emit({ type: 'malformed-line', error });
    });
    stream.on(ETwitterStreamEvent.ConnectionLost, () => {
      stalled = true;
      this.stats.stalls++;
      this.emit({ type: 'stalled', silentForMs: this.stallTimeoutMs });
    });
    // The library emits ConnectionClosed once per ended connection (error, remote close or stall).
    stream.on(ETwitterStreamEvent.ConnectionClosed, () => {
      if (stream !== this.current || !this.running) return;
      this.current = undefined;
      this.stats.connected = false;
      this.stats.drops++;
      this.emit({ type: 'disconnected', reason: stalled ? 'stalled' : 'closed' });
      this.schedule(this.policy.onDisconnected(this.now()));
    });
  }

  private onData(payload: unknown): void {
    this.stats.lastMessageAt = this.now();
    if (!isRecord(payload) || !isRecord(payload['data']) || typeof payload['data']['id'] !== 'string') {
      this.stats.unexpectedMessages++;
      this.emit({ type: 'unexpected-message', payload });
      return;
    }
    this.stats.tweets++;
    this.policy.onTraffic();
    const tweet = payload as unknown as StreamedTweet;
    try {
      const result = this.onTweet(tweet);
      if (result instanceof Promise) {
        this.stats.pendingTweets++;
        if (this.stats.pendingTweets >= this.maxPendingTweets) this.pauseReading();
        result
          .catch((error: unknown) => this.handlerFailed(error, tweet))
          .finally(() => {
            this.stats.pendingTweets--;
            if (this.stats.pendingTweets <= this.maxPendingTweets / 2) this.resumeReading();
          });
      }
    } catch (error) {
      this.handlerFailed(error, tweet);
    }
  }

  /**
   * twitter-api-v2 emits every tweet it reads and has no back-pressure of its own: pause its response stream, so the
   * socket's window fills and X holds the rest. Tweets already read from the last chunk still arrive.
   */
  private pauseReading(): void {
    const response = responseOf(this.current);
    if (!response || this.pausedResponse === response) return;
    this.pausedResponse = response;
    this.stats.backPressurePauses++;
    response.pause();
    this.emit({ type: 'back-pressure', pendingTweets: this.stats.pendingTweets, paused: true });
  }

  private resumeReading(): void {
    const response = this.pausedResponse;
    if (!response) return;
    this.pausedResponse = undefined;
    response.resume();
    this.emit({ type: 'back-pressure', pendingTweets: this.stats.pendingTweets, paused: false });
  }

  private handlerFailed(error: unknown, tweet: StreamedTweet): void {
    this.stats.handlerErrors++;
    this.emit({ type: 'handler-error', error, tweetId: tweet.data.id });
  }

  private schedule(decision: ReconnectDecision): void {
    if (!this.running) return;
    this.stats.nextReconnectDelayMs = decision.delayMs;
    this.emit({ type: 'reconnect-scheduled', delayMs: decision.delayMs, kind: decision.kind, attempt: decision.attempt });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.stats.nextReconnectDelayMs = undefined;
      void this.connect();
    }, decision.delayMs);
  }

  private emit(event: StreamEvent): void {
    try {
      this.onEvent(event);
    } catch (error) {
      this.log.error({ err: errorMessage(error), event: event.type }, 'stream event handler threw');
    }
  }
}

function failureKind(error: unknown): StreamFailureKind {
  if (error instanceof ApiResponseError) return error.code === 429 ? 'rate-limit' : 'http';
  return 'network';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDuplicateRuleError(e: unknown): boolean {
  return isRecord(e) && (e['title'] === 'DuplicateRule' || String(e['type'] ?? '').endsWith('/duplicate-rules'));
}

function onlyDuplicates(data: unknown): boolean {
  if (!isRecord(data) || !Array.isArray(data['errors']) || data['errors'].length === 0) return false;
  return data['errors'].every(isDuplicateRuleError);
}

function assertOnlyDuplicates(errors: unknown): void {
  if (!Array.isArray(errors) || errors.length === 0) return;
  const real = errors.filter((e) => !isDuplicateRuleError(e));
  if (real.length > 0) throw new PermanentError<XErrorCode>('X refused stream rules', XErrorCode.InvalidRules, { errors: real });
}

/** The response a TweetStream reads (protected in its typings, public at run time). */
function responseOf(stream: TweetStream<StreamedTweet> | undefined): Readable | undefined {
  const response = (stream as unknown as { res?: unknown } | undefined)?.res;
  return response instanceof Readable ? response : undefined;
}
