import 'reflect-metadata';

import { Module } from '@nestjs/common';
import {
  type InboundSource,
  IngestionModule,
  IngestorService,
  MentionsPollingSource,
  RedisCursorStore,
  RedisDedupeStore,
  StreamInboundSource,
  TweetNormalizer,
} from '@perch/ingestion';
import { createLogger, loadConfig } from '@perch/platform';
import {
  connectKafkaBus,
  connectRedis,
  exitOnStartupFailure,
  ObservabilityModule,
  redisNamespace,
  runService,
  ShutdownHooksModule,
} from '@perch/service-kit';
import { FilteredStreamSource, MentionsTimelineReader, resolveBrandAccounts, TwitterApiXAdapter } from '@perch/x-client';

import { IngestorConfig } from './ingestor.config';

const SERVICE = 'ingestor';

async function main(): Promise<void> {
  const config = loadConfig(IngestorConfig);
  const logger = createLogger(SERVICE);
  const xApi = new TwitterApiXAdapter(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {});
  const brands = await resolveBrandAccounts(xApi, config.X_BRAND_TOKENS);
  const redis = await connectRedis(config);
  const { bus, transport } = await connectKafkaBus(config, SERVICE);
  const stream = new FilteredStreamSource({
    bearerToken: config.X_APP_BEARER,
    ...(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {}),
    logger,
  });
  const sources: InboundSource[] = [new StreamInboundSource(stream, brands, logger)];
  const polling =
    config.INGESTOR_MENTIONS_POLL_MS > 0
      ? new MentionsPollingSource(
          new MentionsTimelineReader(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {}),
          brands,
          new RedisCursorStore(redis, `perch:${redisNamespace(config, 'ingest')}:cursor:`),
          logger,
          { intervalMs: config.INGESTOR_MENTIONS_POLL_MS },
        )
      : undefined;
  if (polling) sources.push(polling);
  const ingestor = new IngestorService(
    sources,
    new TweetNormalizer(brands),
    new RedisDedupeStore(redis, `perch:${redisNamespace(config, 'ingest')}:seen:`),
    bus,
    logger,
  );

  @Module({
    imports: [
      IngestionModule.register({ ingestor }),
      ObservabilityModule.register({
        service: SERVICE,
        checks: [{ name: 'redis', check: async () => (await redis.ping()) === 'PONG' }],
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          { prefix: 'ingestor', read: () => ({ ...ingestor.counters }) },
          { prefix: 'stream', read: () => numericOnly({ ...stream.counters }) },
          { prefix: 'mentions_poll', read: () => ({ ...(polling?.counters ?? { polls: 0, delivered: 0, failures: 0 }) }) },
        ],
      }),
      ShutdownHooksModule.register([() => bus.stop(), () => transport.disconnect(), () => redis.quit()]),
    ],
  })
  class IngestorAppModule {}

  await runService({ module: IngestorAppModule }, { service: SERVICE, port: config.HTTP_PORT });
  logger.info({ brands: brands.map((b) => b.username) }, 'ingesting');
}

function numericOnly(record: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0]),
  );
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
