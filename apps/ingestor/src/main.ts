import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import { Module } from '@nestjs/common';
import {
  ACCOUNT_ACTIVITY_WEBHOOK_PATH,
  AccountActivityRegistration,
  AccountActivityWebhookSource,
  DmPollingSource,
  type InboundSource,
  IngestionModule,
  IngestorService,
  LeaderOnlySource,
  MentionsPollingSource,
  RedisCursorStore,
  RedisDedupeStore,
  RedisLeaderLease,
  StreamInboundSource,
  TweetNormalizer,
} from '@perch/ingestion';
import { createLogger, loadConfig } from '@perch/platform';
import {
  connectKafkaBus,
  connectRedis,
  exitOnStartupFailure,
  httpOptionsFromEnv,
  ObservabilityModule,
  redisNamespace,
  runService,
  ShutdownHooksModule,
} from '@perch/service-kit';
import {
  AccountActivityRegistrar,
  DmEventsReader,
  FilteredStreamSource,
  MentionsTimelineReader,
  resolveBrandAccounts,
  TweetLookupReader,
  TwitterApiXAdapter,
} from '@perch/x-client';

import { IngestorConfig } from './ingestor.config';

const SERVICE = 'ingestor';

async function main(): Promise<void> {
  const config = loadConfig(IngestorConfig);
  const logger = createLogger(SERVICE);
  const apiBase = config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {};
  const xApi = new TwitterApiXAdapter(apiBase);
  const brands = await resolveBrandAccounts(xApi, config.X_BRAND_TOKENS);
  const redis = await connectRedis(config);
  const { bus, transport } = await connectKafkaBus(config, SERVICE);
  const stream = new FilteredStreamSource({
    bearerToken: config.X_APP_BEARER,
    ...(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {}),
    logger,
  });
  const cursors = new RedisCursorStore(redis, `perch:${redisNamespace(config, 'ingest')}:cursor:`);
  // X allows one stream connection per app and one rate-limit window per brand: the stream and the polls run on
  // one replica at a time (the lease holder); every replica serves the webhook.
  const leaderOnly: InboundSource[] = [new StreamInboundSource(stream, brands, logger)];
  const sources: InboundSource[] = [];
  const polling =
    config.INGESTOR_MENTIONS_POLL_MS > 0
      ? new MentionsPollingSource(new MentionsTimelineReader(apiBase), brands, cursors, logger, { intervalMs: config.INGESTOR_MENTIONS_POLL_MS })
      : undefined;
  if (polling) leaderOnly.push(polling);
  // The webhook is the fast path for DMs; the DM poll is the safety net for deliveries X dropped and for downtime.
  const webhook = config.X_CONSUMER_SECRET
    ? new AccountActivityWebhookSource(brands, { consumerSecret: config.X_CONSUMER_SECRET, tweetLookup: new TweetLookupReader(apiBase) }, logger)
    : undefined;
  if (webhook) sources.push(webhook);
  const dmPolling =
    config.INGESTOR_DM_POLL_MS > 0
      ? new DmPollingSource(new DmEventsReader(apiBase), brands, cursors, logger, { intervalMs: config.INGESTOR_DM_POLL_MS })
      : undefined;
  if (dmPolling) leaderOnly.push(dmPolling);
  const leadership = new LeaderOnlySource(leaderOnly, {
    lease: new RedisLeaderLease(redis, `perch:${redisNamespace(config, 'ingest')}:leader`),
    holder: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    ttlMs: config.INGESTOR_LEADER_TTL_MS,
    logger,
  });
  sources.unshift(leadership);
  const registration =
    config.X_WEBHOOK_URL && config.X_CONSUMER_SECRET
      ? new AccountActivityRegistration(new AccountActivityRegistrar({ appBearer: config.X_APP_BEARER, ...apiBase }), brands, config.X_WEBHOOK_URL, logger)
      : undefined;
  const ingestor = new IngestorService(
    sources,
    new TweetNormalizer(brands),
    new RedisDedupeStore(redis, `perch:${redisNamespace(config, 'ingest')}:seen:`, { claimTtlMs: config.INGESTOR_CLAIM_TTL_MS }),
    bus,
    logger,
    // Long enough for a crashed replica's claim to lapse while a poll or the webhook waits on it.
    { maxClaimWaitMs: 2 * config.INGESTOR_CLAIM_TTL_MS },
  );

  @Module({
    imports: [
      IngestionModule.register({ ingestor, ...(webhook ? { webhook } : {}) }),
      ObservabilityModule.register({
        service: SERVICE,
        checks: [{ name: 'redis', check: async () => (await redis.ping()) === 'PONG' }],
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          { prefix: 'ingestor', read: () => ({ ...ingestor.counters }) },
          { prefix: 'leadership', read: () => ({ ...leadership.counters }) },
          { prefix: 'stream', read: () => numericOnly({ ...stream.counters }) },
          { prefix: 'mentions_poll', read: () => ({ ...(polling?.counters ?? { polls: 0, delivered: 0, failures: 0 }) }) },
          { prefix: 'dm_poll', read: () => ({ ...(dmPolling?.counters ?? { polls: 0, delivered: 0, failures: 0 }) }) },
          ...(webhook ? [{ prefix: 'webhook', read: () => ({ ...webhook.counters }) }] : []),
          ...(registration ? [{ prefix: 'webhook_registration', read: () => ({ ...registration.counters }) }] : []),
        ],
      }),
      ShutdownHooksModule.register([() => registration?.stop(), () => bus.stop(), () => transport.disconnect(), () => redis.quit()]),
    ],
  })
  class IngestorAppModule {}

  await runService(
    { module: IngestorAppModule },
    { service: SERVICE, ...httpOptionsFromEnv(config), ...(webhook ? { rawBodyPaths: [ACCOUNT_ACTIVITY_WEBHOOK_PATH] } : {}) },
  );
  // Only now: X answers the registration with a CRC request to the URL, which must already be served.
  await registration?.start();
  logger.info(
    { brands: brands.map((b) => b.username), webhook: webhook ? (config.X_WEBHOOK_URL ?? 'receiver only') : 'off', dmPollMs: config.INGESTOR_DM_POLL_MS },
    'ingesting',
  );
}

function numericOnly(record: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0]),
  );
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
