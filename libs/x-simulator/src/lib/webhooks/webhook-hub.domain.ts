import { randomBytes } from 'node:crypto';

import type { FollowChange, SimDmEvent, SimTweet } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';
import {
  directMessagePayload,
  followPayload,
  renderV1Tweet,
  tweetCreatePayload,
  tweetDeletePayload,
  type SimApp,
  type V1Tweet,
} from './activity-render.util';
import { pause, sendOutbound } from './outbound-http.util';
import { crcResponseToken, webhookSignature } from './webhook-signature.util';

/** X's failure reasons for webhook and subscription calls (reference §4, X's webhooks docs). */
export type WebhookFailureReason =
  | 'CrcValidationFailed'
  | 'UrlValidationFailed'
  | 'DuplicateUrlFailed'
  | 'WebhookLimitExceeded'
  | 'WebhookIdInvalid'
  | 'DuplicateSubscriptionFailed'
  | 'SubscriptionLimitExceeded'
  | 'SubscriptionNotFound';

export class WebhookRefusal extends Error {
  constructor(
    readonly reason: WebhookFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Faults played on event deliveries (never on CRC checks), for testing receivers. */
export interface WebhookFaultsSpec {
  /** Share of deliveries silently not sent (0–1). */
  dropRate?: number;
  /** Added before each delivery; deliveries stay in order, so later ones wait too. */
  latencyMs?: number;
  /** Sign with the wrong key, so a correct receiver must refuse the payload. */
  corruptSignature?: boolean;
}

export interface WebhookFaults {
  dropRate: number;
  latencyMs: number;
  corruptSignature: boolean;
}

export interface WebhookDeliveryCounts {
  /** Payloads put in a webhook's queue. */
  queued: number;
  /** POSTs made (dropped ones are not attempted). */
  attempted: number;
  /** Answered 2xx within the timeout. */
  succeeded: number;
  /** Non-2xx, network error or timeout. X does not retry these. */
  failed: number;
  /** Not sent because of the dropRate fault. */
  dropped: number;
  /** Thrown away unsent: the webhook turned invalid or was deleted, or its queue overflowed. */
  discarded: number;
}

export interface WebhookDeliveryStats extends WebhookDeliveryCounts {
  /** Waiting in queues or in flight right now. */
  pending: number;
  crcChecks: number;
  crcFailures: number;
}

export interface WebhookDeliveryRecord {
  at: string;
  forUserId: string;
  /** The payload's event key, e.g. "tweet_create_events". */
  events: string;
  outcome: 'succeeded' | 'failed' | 'dropped';
  status?: number;
  error?: string;
  badSignature?: boolean;
}

export interface WebhookView {
  id: string;
  url: string;
  valid: boolean;
  createdAt: string;
  /** Subscribed user ids. */
  subscriptions: string[];
  lastCrc?: { at: string; ok: boolean; error?: string };
  deliveries: WebhookDeliveryCounts & { pending: number };
  /** The last deliveries, newest first. */
  recent: WebhookDeliveryRecord[];
}

export interface WebhookHubOptions {
  consumerSecret: string;
  maxWebhooks: number;
  maxSubscriptions: number;
  /** CRC answers and event POSTs must come back within this (X: 3 s). */
  timeoutMs: number;
  allowInsecureUrls: boolean;
  truncateTweets: boolean;
  app: SimApp;
  now: () => number;
}

interface QueuedDelivery {
  forUserId: string;
  events: string;
  body: string;
}

interface WebhookState {
  id: string;
  url: string;
  valid: boolean;
  createdAt: string;
  subscribers: Set<string>;
  lastCrc?: { at: string; ok: boolean; error?: string };
  counts: WebhookDeliveryCounts;
  recent: WebhookDeliveryRecord[];
  queue: QueuedDelivery[];
  inFlight: boolean;
  /** Aborts this webhook's pending sleep or POST when it is deleted or the hub resets. */
  abort: AbortController;
}

const RECENT_KEPT = 50;
/** A receiver that cannot keep up loses the oldest news beyond this, rather than the simulator's memory. */
const MAX_QUEUED_PER_WEBHOOK = 100_000;

const zeroCounts = (): WebhookDeliveryCounts => ({ queued: 0, attempted: 0, succeeded: 0, failed: 0, dropped: 0, discarded: 0 });

/**
 * The Account Activity side of the simulator: registered webhooks, CRC checks, user subscriptions,
 * and the signed, asynchronous, per-webhook ordered delivery of every event a subscribed user
 * takes part in. Like X it never retries a failed delivery.
 */
export class WebhookHub {
  private readonly webhooks = new Map<string, WebhookState>();
  private totals = zeroCounts();
  private crcChecks = 0;
  private crcFailures = 0;
  private faultState: WebhookFaults = { dropRate: 0, latencyMs: 0, corruptSignature: false };
  /** In-flight CRC checks, aborted on reset/close. */
  private readonly crcAborts = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: SimulatorStore,
    private readonly options: WebhookHubOptions,
  ) {}

  // ---- webhooks ---------------------------------------------------------------------------------

  /** POST /2/webhooks: validates the URL, then runs the CRC before the webhook exists. */
  async register(url: string): Promise<WebhookView> {
    this.checkUrl(url);
    this.checkRegistrable(url);
    const crc = await this.runCrc(url);
    if (!crc.ok) throw new WebhookRefusal('CrcValidationFailed', crc.error);
    // A concurrent registration may have won while the CRC was running.
    this.checkRegistrable(url);
    const nowMs = this.options.now();
    const state: WebhookState = {
      id: this.store.newObjectId(),
      url,
      valid: true,
      createdAt: new Date(nowMs).toISOString(),
      subscribers: new Set(),
      lastCrc: { at: new Date(nowMs).toISOString(), ok: true },
      counts: zeroCounts(),
      recent: [],
      queue: [],
      inFlight: false,
      abort: new AbortController(),
    };
    this.webhooks.set(state.id, state);
    return this.view(state);
  }

  list(): WebhookView[] {
    return [...this.webhooks.values()].map((w) => this.view(w));
  }

  get(id: string): WebhookView {
    return this.view(this.require(id));
  }

  /** PUT /2/webhooks/:id and the hourly check: a failed CRC makes the webhook invalid (it then gets nothing). */
  async revalidate(id: string): Promise<WebhookView> {
    const state = this.require(id);
    const crc = await this.runCrc(state.url);
    if (this.webhooks.get(id) !== state) throw new WebhookRefusal('WebhookIdInvalid', `webhook ${id} was deleted during the CRC`);
    state.valid = crc.ok;
    const at = new Date(this.options.now()).toISOString();
    state.lastCrc = crc.ok ? { at, ok: true } : { at, ok: false, error: crc.error };
    if (!crc.ok) {
      this.discardQueue(state);
      throw new WebhookRefusal('CrcValidationFailed', crc.error);
    }
    return this.view(state);
  }

  /** X's hourly re-check, on demand: every webhook, in parallel; failures only mark them invalid. */
  async revalidateAll(): Promise<WebhookView[]> {
    await Promise.all(
      [...this.webhooks.keys()].map((id) =>
        this.revalidate(id).catch((error: unknown) => {
          if (!(error instanceof WebhookRefusal)) throw error;
        }),
      ),
    );
    return this.list();
  }

  remove(id: string): void {
    const state = this.require(id);
    this.discardQueue(state);
    this.webhooks.delete(id);
    state.abort.abort();
    this.notifyIfIdle();
  }

  // ---- subscriptions ----------------------------------------------------------------------------

  subscribe(webhookId: string, userId: string): void {
    const state = this.require(webhookId);
    if (state.subscribers.has(userId)) {
      throw new WebhookRefusal('DuplicateSubscriptionFailed', `user ${userId} is already subscribed to webhook ${webhookId}`);
    }
    const unique = this.subscribedUsers();
    if (!unique.has(userId) && unique.size >= this.options.maxSubscriptions) {
      throw new WebhookRefusal('SubscriptionLimitExceeded', `the app is limited to ${this.options.maxSubscriptions} subscribed users`);
    }
    state.subscribers.add(userId);
  }

  isSubscribed(webhookId: string, userId: string): boolean {
    return this.require(webhookId).subscribers.has(userId);
  }

  unsubscribe(webhookId: string, userId: string): void {
    const state = this.require(webhookId);
    if (!state.subscribers.delete(userId)) {
      throw new WebhookRefusal('SubscriptionNotFound', `user ${userId} is not subscribed to webhook ${webhookId}`);
    }
  }

  subscriptionCount(): number {
    return this.subscribedUsers().size;
  }

  get maxSubscriptions(): number {
    return this.options.maxSubscriptions;
  }

  get webhookCount(): number {
    return this.webhooks.size;
  }

  // ---- faults, stats, lifecycle -----------------------------------------------------------------

  setFaults(spec: WebhookFaultsSpec): WebhookFaults {
    if (spec.dropRate !== undefined) this.faultState.dropRate = Math.min(1, Math.max(0, spec.dropRate));
    if (spec.latencyMs !== undefined) this.faultState.latencyMs = Math.max(0, spec.latencyMs);
    if (spec.corruptSignature !== undefined) this.faultState.corruptSignature = spec.corruptSignature;
    return this.faults;
  }

  clearFaults(): void {
    this.faultState = { dropRate: 0, latencyMs: 0, corruptSignature: false };
  }

  get faults(): WebhookFaults {
    return { ...this.faultState };
  }

  stats(): WebhookDeliveryStats {
    let pending = 0;
    for (const w of this.webhooks.values()) pending += w.queue.length + (w.inFlight ? 1 : 0);
    return { ...this.totals, pending, crcChecks: this.crcChecks, crcFailures: this.crcFailures };
  }

  /** Resolves once every queue is empty and nothing is in flight (for tests: "all deliveries done"). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * For stop(): aborts CRC checks and deliveries in flight and drops queued ones, but keeps the
   * webhooks and subscriptions, so a restarted simulator carries on.
   */
  close(): void {
    for (const abort of this.crcAborts) abort.abort();
    this.crcAborts.clear();
    for (const state of this.webhooks.values()) {
      this.discardQueue(state);
      state.abort.abort();
      state.abort = new AbortController();
    }
    this.notifyIfIdle();
  }

  /** Forgets every webhook, subscription, fault and count, aborting whatever is in flight. */
  reset(): void {
    for (const state of this.webhooks.values()) state.abort.abort();
    for (const abort of this.crcAborts) abort.abort();
    this.crcAborts.clear();
    this.webhooks.clear();
    this.totals = zeroCounts();
    this.crcChecks = 0;
    this.crcFailures = 0;
    this.clearFaults();
    this.notifyIfIdle();
  }

  // ---- events -----------------------------------------------------------------------------------

  /** Posts by, mentions of, replies to and quotes of a subscribed user. */
  tweetCreated(tweet: SimTweet): void {
    if (this.webhooks.size === 0) return;
    const involved = new Set<string>([tweet.authorId]);
    for (const m of tweet.mentions) if (m.id) involved.add(m.id);
    if (tweet.inReplyToUserId) involved.add(tweet.inReplyToUserId);
    if (tweet.quotedTweetId) {
      const quoted = this.store.tweetById(tweet.quotedTweetId);
      if (quoted) involved.add(quoted.authorId);
    }
    let rendered: V1Tweet | undefined;
    this.fanOut(involved, 'tweet_create_events', (userId) => {
      rendered ??= renderV1Tweet(tweet, this.store, { truncate: this.options.truncateTweets });
      return rendered ? tweetCreatePayload(userId, rendered) : undefined;
    });
  }

  tweetDeleted(tweet: SimTweet): void {
    if (this.webhooks.size === 0) return;
    const atMs = this.options.now();
    this.fanOut(new Set([tweet.authorId]), 'tweet_delete_events', (userId) => tweetDeletePayload(userId, tweet, atMs));
  }

  /** Follows and unfollows, by or of a subscribed user. */
  followChanged(change: FollowChange): void {
    if (this.webhooks.size === 0) return;
    this.fanOut(new Set([change.sourceId, change.targetId]), 'follow_events', (userId) => followPayload(userId, change, this.store));
  }

  /** Sent and received messages; the sender's own copy echoes with sender_id == for_user_id. */
  directMessage(event: SimDmEvent): void {
    if (this.webhooks.size === 0) return;
    this.fanOut(new Set([event.senderId, event.recipientId]), 'direct_message_events', (userId) =>
      directMessagePayload(userId, event, this.store, this.options.app),
    );
  }

  // ---- internals --------------------------------------------------------------------------------

  private fanOut(involved: ReadonlySet<string>, events: string, payloadFor: (userId: string) => object | undefined): void {
    for (const state of this.webhooks.values()) {
      if (!state.valid) continue;
      for (const userId of involved) {
        if (!state.subscribers.has(userId)) continue;
        const payload = payloadFor(userId);
        // Serialised now: the payload is what X saw at event time, and the signature covers these bytes.
        if (payload) this.enqueue(state, { forUserId: userId, events, body: JSON.stringify(payload) });
      }
    }
  }

  private enqueue(state: WebhookState, delivery: QueuedDelivery): void {
    if (state.queue.length >= MAX_QUEUED_PER_WEBHOOK) {
      state.queue.shift();
      this.count(state, 'discarded');
    }
    state.queue.push(delivery);
    this.count(state, 'queued');
    if (!state.inFlight) void this.drain(state);
  }

  /** One delivery at a time per webhook, so a receiver sees a webhook's events in order. */
  private async drain(state: WebhookState): Promise<void> {
    state.inFlight = true;
    try {
      for (let next = state.queue.shift(); next; next = state.queue.shift()) {
        if (state.abort.signal.aborted || !this.webhooks.has(state.id)) break;
        await this.deliver(state, next);
      }
    } finally {
      state.inFlight = false;
      this.notifyIfIdle();
    }
  }

  private async deliver(state: WebhookState, delivery: QueuedDelivery): Promise<void> {
    const { signal } = state.abort;
    const faults = this.faultState;
    if (faults.latencyMs > 0) await pause(faults.latencyMs, signal);
    if (signal.aborted) return;
    if (!state.valid) {
      this.count(state, 'discarded');
      return;
    }
    const record: WebhookDeliveryRecord = {
      at: new Date(this.options.now()).toISOString(),
      forUserId: delivery.forUserId,
      events: delivery.events,
      outcome: 'dropped',
    };
    if (faults.dropRate > 0 && Math.random() < faults.dropRate) {
      this.count(state, 'dropped');
      this.remember(state, record);
      return;
    }
    const secret = faults.corruptSignature ? `${this.options.consumerSecret}-corrupted` : this.options.consumerSecret;
    if (faults.corruptSignature) record.badSignature = true;
    this.count(state, 'attempted');
    try {
      const res = await sendOutbound({
        method: 'POST',
        url: state.url,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-twitter-webhooks-signature': webhookSignature(secret, delivery.body),
        },
        body: delivery.body,
        timeoutMs: this.options.timeoutMs,
        signal,
      });
      record.status = res.status;
      record.outcome = res.status >= 200 && res.status < 300 ? 'succeeded' : 'failed';
    } catch (error) {
      if (signal.aborted) return;
      record.outcome = 'failed';
      record.error = error instanceof Error ? error.message : String(error);
    }
    this.count(state, record.outcome);
    this.remember(state, record);
  }

  private async runCrc(url: string): Promise<{ ok: true } | { ok: false; error: string }> {
    this.crcChecks++;
    const token = randomBytes(24).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('crc_token', token);
    const abort = new AbortController();
    this.crcAborts.add(abort);
    let error: string | undefined;
    try {
      const res = await sendOutbound({ method: 'GET', url: target.toString(), timeoutMs: this.options.timeoutMs, signal: abort.signal });
      if (res.status !== 200) error = `the webhook answered ${res.status}`;
      else {
        const body = parseJson(res.body);
        const responseToken = body && typeof body === 'object' ? (body as Record<string, unknown>)['response_token'] : undefined;
        if (responseToken !== crcResponseToken(this.options.consumerSecret, token)) error = 'Invalid response_token';
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      this.crcAborts.delete(abort);
    }
    if (error === undefined) return { ok: true };
    this.crcFailures++;
    return { ok: false, error };
  }

  /** X wants https and no port; the insecure-URL quirk lets tests use http://127.0.0.1:port. */
  private checkUrl(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new WebhookRefusal('UrlValidationFailed', 'the url is not a valid absolute URL');
    }
    const insecure = this.options.allowInsecureUrls;
    if (parsed.protocol !== 'https:' && !(insecure && parsed.protocol === 'http:')) {
      throw new WebhookRefusal('UrlValidationFailed', 'the url must use https');
    }
    if (parsed.port !== '' && !insecure) throw new WebhookRefusal('UrlValidationFailed', 'the url must not include a port');
  }

  private checkRegistrable(url: string): void {
    for (const state of this.webhooks.values()) {
      if (state.url === url) throw new WebhookRefusal('DuplicateUrlFailed', `webhook ${state.id} already uses this url`);
    }
    if (this.webhooks.size >= this.options.maxWebhooks) {
      throw new WebhookRefusal('WebhookLimitExceeded', `the app is limited to ${this.options.maxWebhooks} webhook(s)`);
    }
  }

  private require(id: string): WebhookState {
    const state = this.webhooks.get(id);
    if (!state) throw new WebhookRefusal('WebhookIdInvalid', `webhook ${id} does not exist for this app`);
    return state;
  }

  private subscribedUsers(): Set<string> {
    const users = new Set<string>();
    for (const state of this.webhooks.values()) for (const id of state.subscribers) users.add(id);
    return users;
  }

  private discardQueue(state: WebhookState): void {
    for (let i = 0; i < state.queue.length; i++) this.count(state, 'discarded');
    state.queue = [];
  }

  private count(state: WebhookState, key: keyof WebhookDeliveryCounts): void {
    state.counts[key]++;
    // A delivery that finishes after its webhook was deleted or the hub reset stays out of the totals.
    if (this.webhooks.get(state.id) === state) this.totals[key]++;
  }

  private remember(state: WebhookState, record: WebhookDeliveryRecord): void {
    state.recent.unshift(record);
    if (state.recent.length > RECENT_KEPT) state.recent.length = RECENT_KEPT;
  }

  private isIdle(): boolean {
    for (const state of this.webhooks.values()) if (state.inFlight || state.queue.length > 0) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private view(state: WebhookState): WebhookView {
    const view: WebhookView = {
      id: state.id,
      url: state.url,
      valid: state.valid,
      createdAt: state.createdAt,
      subscriptions: [...state.subscribers],
      deliveries: { ...state.counts, pending: state.queue.length + (state.inFlight ? 1 : 0) },
      recent: state.recent.map((r) => ({ ...r })),
    };
    if (state.lastCrc) view.lastCrc = { ...state.lastCrc };
    return view;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
