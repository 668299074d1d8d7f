import { type DynamicModule } from '@nestjs/common';
import { type EventBus } from '@perch/messaging';
import { type Logger } from '@perch/platform';
import { type MetricsSource } from '@perch/service-kit';
import {
  AccountActivityRegistrar,
  type BrandAccount,
  DmEventsReader,
  FilteredStreamSource,
  MentionsTimelineReader,
  TweetLookupReader,
} from '@perch/x-client';

import { AccountActivityRegistration } from './account-activity/account-activity-registration.domain';
import { AccountActivityWebhookSource } from './account-activity/account-activity-webhook-source.adapter';
import { type CursorStore } from './cursor/cursor-store.port';
import { type DedupeStore, DEFAULT_CLAIM_TTL_MS } from './dedupe/dedupe-store.port';
import { DmPollingSource } from './dm-polling-source.adapter';
import { type InboundSource } from './inbound-source.port';
import { IngestionModule } from './ingestion.module';
import { IngestorService } from './ingestor.domain';
import { type LeaderLease } from './leadership/leader-lease.port';
import { LeaderOnlySource } from './leadership/leader-only-source.adapter';
import { MentionsPollingSource } from './mentions-polling-source.adapter';
import { StreamInboundSource } from './stream-inbound-source.adapter';
import { TweetNormalizer } from './tweet-normalizer.domain';

export interface IngestorWiringOptions {
  brands: readonly BrandAccount[];
  bus: EventBus;
  /** The polls' cursors: in memory for one process, in Redis for replicas. */
  cursors: CursorStore;
  dedupe: DedupeStore;
  logger: Logger;
  /** Where X lives (the simulator in development); unset: the real X. */
  xApiBaseUrl?: string;
  /** The app-only bearer token: the filtered stream and the webhook registration. */
  appBearer: string;
  /** Pause between two reads of each brand's mentions timeline; 0 turns polling off. */
  mentionsPollMs: number;
  /** Pause between two reads of each brand's DM events; 0 turns the DM poll off. */
  dmPollMs: number;
  /** The X app's consumer secret; with it the Account Activity webhook receiver is mounted at /webhooks/x. */
  consumerSecret?: string;
  /** The dedupe store's claim TTL (default DEFAULT_CLAIM_TTL_MS). */
  claimTtlMs?: number;
  /**
   * Replicas only: X allows one stream connection per app and one rate-limit window per brand, so the stream and
   * the polls run on the lease holder alone; every replica serves the webhook. Unset: this process runs them all.
   */
  leadership?: { lease: LeaderLease; holder: string; ttlMs: number };
}

/** The ingestor of one process: its Nest module, its components and what it shows on /metrics. */
export interface IngestorWiring {
  ingestor: IngestorService;
  webhook?: AccountActivityWebhookSource;
  leadership?: LeaderOnlySource;
  module: DynamicModule;
  metrics: MetricsSource[];
  /** Registers `url` (which ends in /webhooks/x) with X and subscribes every brand; start it once the URL is served. */
  webhookRegistration(url: string): AccountActivityRegistration;
}

const IDLE_POLL_COUNTERS = { polls: 0, delivered: 0, failures: 0 };

/** The ingestor's wiring, for its own app and for the embedded one: the apps pick the adapters and read the config. */
export function wireIngestor(options: IngestorWiringOptions): IngestorWiring {
  const { brands, cursors, logger } = options;
  const apiBase = options.xApiBaseUrl ? { apiBaseUrl: options.xApiBaseUrl } : {};
  const stream = new FilteredStreamSource({ bearerToken: options.appBearer, ...apiBase, logger });
  const polled: InboundSource[] = [new StreamInboundSource(stream, brands, logger)];
  const polling =
    options.mentionsPollMs > 0
      ? new MentionsPollingSource(new MentionsTimelineReader(apiBase), brands, cursors, logger, { intervalMs: options.mentionsPollMs })
      : undefined;
  if (polling) polled.push(polling);
  // The webhook is the fast path for DMs; the DM poll is the safety net for deliveries X dropped and for downtime.
  const webhook = options.consumerSecret
    ? new AccountActivityWebhookSource(brands, { consumerSecret: options.consumerSecret, tweetLookup: new TweetLookupReader(apiBase) }, logger)
    : undefined;
  const dmPolling =
    options.dmPollMs > 0 ? new DmPollingSource(new DmEventsReader(apiBase), brands, cursors, logger, { intervalMs: options.dmPollMs }) : undefined;
  if (dmPolling) polled.push(dmPolling);
  const leadership = options.leadership ? new LeaderOnlySource(polled, { ...options.leadership, logger }) : undefined;
  const sources: InboundSource[] = [...(leadership ? [leadership] : polled), ...(webhook ? [webhook] : [])];
  const ingestor = new IngestorService(
    sources,
    new TweetNormalizer(brands),
    options.dedupe,
    options.bus,
    logger,
    // Long enough for a crashed replica's claim to lapse while a poll or the webhook waits on it.
    { maxClaimWaitMs: 2 * (options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS) },
  );
  return {
    ingestor,
    ...(webhook ? { webhook } : {}),
    ...(leadership ? { leadership } : {}),
    module: IngestionModule.register({ ingestor, ...(webhook ? { webhook } : {}) }),
    metrics: [
      { prefix: 'ingestor', read: () => ({ ...ingestor.counters }) },
      ...(leadership ? [{ prefix: 'leadership', read: () => ({ ...leadership.counters }) }] : []),
      { prefix: 'stream', read: () => numericOnly({ ...stream.counters }) },
      { prefix: 'mentions_poll', read: () => ({ ...(polling?.counters ?? IDLE_POLL_COUNTERS) }) },
      { prefix: 'dm_poll', read: () => ({ ...(dmPolling?.counters ?? IDLE_POLL_COUNTERS) }) },
      ...(webhook ? [{ prefix: 'webhook', read: () => ({ ...webhook.counters }) }] : []),
    ],
    webhookRegistration: (url) =>
      new AccountActivityRegistration(new AccountActivityRegistrar({ appBearer: options.appBearer, ...apiBase }), brands, url, logger),
  };
}

function numericOnly(record: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0]),
  );
}
