import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import { Module } from '@nestjs/common';
import { ACCOUNT_ACTIVITY_WEBHOOK_PATH, RedisCursorStore, RedisDedupeStore, RedisLeaderLease, wireIngestor } from '@perch/ingestion';
import { configureLogging, createLogger, loadConfig } from '@perch/platform';
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
import { resolveBrandAccounts, TwitterApiXAdapter } from '@perch/x-client';

import { IngestorConfig } from './ingestor.config';

const SERVICE = 'ingestor';

async function main(): Promise<void> {
  const config = loadConfig(IngestorConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const logger = createLogger(SERVICE);
  const xApi = new TwitterApiXAdapter(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {});
  const brands = await resolveBrandAccounts(xApi, config.X_BRAND_TOKENS);
  const redis = await connectRedis(config);
  const { bus, transport, eventMetrics } = await connectKafkaBus(config, SERVICE);
  const keys = `perch:${redisNamespace(config, 'ingest')}`;
  const wiring = wireIngestor({
    brands,
    bus,
    cursors: new RedisCursorStore(redis, `${keys}:cursor:`),
    dedupe: new RedisDedupeStore(redis, `${keys}:seen:`, { claimTtlMs: config.INGESTOR_CLAIM_TTL_MS }),
    claimTtlMs: config.INGESTOR_CLAIM_TTL_MS,
    logger,
    ...(config.X_API_BASE_URL ? { xApiBaseUrl: config.X_API_BASE_URL } : {}),
    appBearer: config.X_APP_BEARER,
    mentionsPollMs: config.INGESTOR_MENTIONS_POLL_MS,
    dmPollMs: config.INGESTOR_DM_POLL_MS,
    ...(config.X_CONSUMER_SECRET ? { consumerSecret: config.X_CONSUMER_SECRET } : {}),
    leadership: {
      lease: new RedisLeaderLease(redis, `${keys}:leader`),
      holder: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      ttlMs: config.INGESTOR_LEADER_TTL_MS,
    },
  });
  const registration = config.X_WEBHOOK_URL && config.X_CONSUMER_SECRET ? wiring.webhookRegistration(config.X_WEBHOOK_URL) : undefined;

  @Module({
    imports: [
      wiring.module,
      ObservabilityModule.register({
        service: SERVICE,
        // perch_event_wait_seconds and perch_event_handling_seconds, by topic and consumer group.
        metrics: eventMetrics.metrics,
        checks: [{ name: 'redis', check: async () => (await redis.ping()) === 'PONG' }],
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          ...wiring.metrics,
          ...(registration ? [{ prefix: 'webhook_registration', read: () => ({ ...registration.counters }) }] : []),
        ],
      }),
      ShutdownHooksModule.register([() => registration?.stop(), () => bus.stop(), () => transport.disconnect(), () => redis.quit()]),
    ],
  })
  class IngestorAppModule {}

  await runService(
    { module: IngestorAppModule },
    { service: SERVICE, ...httpOptionsFromEnv(config), ...(wiring.webhook ? { rawBodyPaths: [ACCOUNT_ACTIVITY_WEBHOOK_PATH] } : {}) },
  );
  // Only now: X answers the registration with a CRC request to the URL, which must already be served.
  await registration?.start();
  logger.info(
    {
      brands: brands.map((b) => b.username),
      webhook: wiring.webhook ? (config.X_WEBHOOK_URL ?? 'receiver only') : 'off',
      dmPollMs: config.INGESTOR_DM_POLL_MS,
    },
    'ingesting',
  );
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
