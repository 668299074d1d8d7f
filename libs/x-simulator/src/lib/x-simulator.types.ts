import type { RateLimitPreset, RateLimitTable } from './state/rate-limit.types';
import type { SimApp } from './webhooks/activity-render.util';
import type { WebhookDeliveryStats } from './webhooks/webhook-hub.domain';

/** A brand account created at start-up and on every reset, with a known user token. */
export interface SeedBrand {
  username: string;
  token: string;
  name?: string;
  description?: string;
  followersCount?: number;
  followingCount?: number;
  tweetCount?: number;
  verified?: boolean;
}

export interface SimulatorSeed {
  /** The app-only bearer token (stream and rules). Default "perch-app-bearer". */
  appBearerToken?: string;
  brands?: SeedBrand[];
}

/**
 * Behaviour the X docs leave unconfirmed (reference §6). Defaults are the most plausible reading;
 * switch them to check that a client copes with the alternative.
 */
export interface SimulatorQuirks {
  /** Status of a single user/tweet lookup that finds nothing (body always has errors[]). Default 200. */
  notFoundStatus: 200 | 404;
  /** Status of too-long and duplicate-content refusals. Default 403. */
  tweetRefusalStatus: 400 | 403;
  /** Status of a rules POST where no rule could be created (errors[] in the body). Default 400. */
  ruleErrorStatus: 200 | 400;
  /** Status for a stream connection over the limit. Default 429. */
  tooManyConnectionsStatus: number;
  /** Prefix replies with the replied-to author (and the parent's mentions), like X's reply metadata. */
  autoPopulateReplyMentions: boolean;
  /** Self-serve-tier rule (Feb 2026): reply only when the parent's author mentioned or quoted you. */
  enforceReplyRestriction: boolean;
  /**
   * Accept http:// webhook URLs and URLs with a port (X demands https and no port), so tests can
   * register a receiver on http://127.0.0.1:<port>.
   */
  allowInsecureWebhookUrls: boolean;
  /**
   * Deliver tweets longer than 140 characters in X's classic compat form: `text` cut with "… <t.co>",
   * `truncated: true`, the whole text in `extended_tweet.full_text`.
   */
  truncateWebhookTweets: boolean;
}

export const DEFAULT_QUIRKS: SimulatorQuirks = {
  notFoundStatus: 200,
  tweetRefusalStatus: 403,
  ruleErrorStatus: 400,
  tooManyConnectionsStatus: 429,
  autoPopulateReplyMentions: true,
  enforceReplyRestriction: true,
  allowInsecureWebhookUrls: true,
  truncateWebhookTweets: true,
};

/** The app whose API calls the simulator serves; DM webhook payloads name it as source_app_id. */
export const SIMULATED_APP: SimApp = { id: '29418037', name: 'Perch', url: 'https://perch.example' };

export interface XSimulatorOptions {
  seed?: SimulatorSeed;
  /** A preset name or a full table. Default 'realistic' (X's published limits). */
  rateLimits?: RateLimitPreset | RateLimitTable;
  /** Interval of the bare "\r\n" keep-alive on the stream. Default 20000 (X's value). */
  keepAliveMs?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Concurrent stream connections per app. Default 1 (X's pay-per-use tier). */
  maxStreamConnections?: number;
  /** Retention cap; older tweets are forgotten. Default 100000. */
  maxStoredTweets?: number;
  /** Duplicate-content check looks at the author's last N tweets within 24 h. Default 50. */
  duplicateLookback?: number;
  /** A stream reader this far behind (bytes buffered) is cut off with a SlowReader disconnect. Default 64 MiB. */
  slowReaderBytes?: number;
  quirks?: Partial<SimulatorQuirks>;
  /** The app's consumer secret: keys the webhook CRC answer and event signatures. Default "perch-consumer-secret". */
  consumerSecret?: string;
  /** Webhooks per app. Default 1 (X's self-serve tiers). */
  maxWebhooks?: number;
  /** Users subscribed to Account Activity across the app's webhooks. Default 1 (X's self-serve Pro tier). */
  maxWebhookSubscriptions?: number;
  /** A CRC answer or event delivery slower than this fails. Default 3000 (X's value). */
  webhookTimeoutMs?: number;
  /** Clock override for tests. */
  now?: () => number;
}

export interface ResolvedSimulatorSettings {
  appBearerToken: string;
  brands: SeedBrand[];
  keepAliveMs: number;
  host: string;
  maxStreamConnections: number;
  maxStoredTweets: number;
  duplicateLookback: number;
  slowReaderBytes: number;
  quirks: SimulatorQuirks;
  consumerSecret: string;
  maxWebhooks: number;
  maxWebhookSubscriptions: number;
  webhookTimeoutMs: number;
}

export interface SimulatorStats {
  requests: number;
  rateLimited: number;
  tweetsCreated: number;
  tweetsByOrigin: { api: number; admin: number; generator: number };
  streamDelivered: number;
  streamConnectionsOpen: number;
  streamConnectionsTotal: number;
  streamConnectionsRefused: number;
  keepAlivesSent: number;
  storedTweets: number;
  accounts: number;
  rules: number;
  dmEventsCreated: number;
  dmsByOrigin: { api: number; admin: number; generator: number };
  storedDmEvents: number;
  webhooks: number;
  webhookSubscriptions: number;
  /** Account Activity deliveries: queued, attempted, succeeded, failed, dropped, discarded, pending, CRC counts. */
  webhookDeliveries: WebhookDeliveryStats;
}
