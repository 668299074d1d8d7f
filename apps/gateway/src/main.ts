import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GatewayModule, OUTBOUND_MAX_INLINE_WAIT_MS, setupGatewayOpenApi } from '@perch/gateway';
import {
  AgentDirectory,
  agentRecordsFromJson,
  PostgresCorrectionStore,
  PostgresInteractionStore,
  RedisDeferredOutboundStore,
  RedisOutboundIdempotencyStore,
} from '@perch/interactions';
import { createLogger, loadConfig } from '@perch/platform';
import {
  connectKafkaBus,
  connectRedis,
  exitOnStartupFailure,
  ObservabilityModule,
  PinoNestLogger,
  redisNamespace,
  ShutdownHooksModule,
  tuneHttpServer,
} from '@perch/service-kit';
import { RateLimitBudget, resolveBrandAccounts, TwitterApiXAdapter } from '@perch/x-client';
import { Pool } from 'pg';

import { GatewayConfig, gatewayDbSchema } from './gateway.config';

const SERVICE = 'gateway';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const logger = createLogger(SERVICE);
  const agents = await agentRecordsFromJson(config.GATEWAY_AGENTS);
  // A reply waits for its brand's rate-limit window only for less than the outbound claim's lease (30 s), so a
  // replica that takes the partition over meanwhile can never find the claim free and post the reply again.
  const xApi = new TwitterApiXAdapter({ ...(config.X_API_BASE_URL ? { apiBaseUrl: config.X_API_BASE_URL } : {}), budget: new RateLimitBudget({ maxWaitMs: OUTBOUND_MAX_INLINE_WAIT_MS }) });
  const brands = await resolveBrandAccounts(xApi, config.X_BRAND_TOKENS);
  const redis = await connectRedis(config);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 10 });
  const schema = gatewayDbSchema(config);
  const interactionStore = new PostgresInteractionStore({ pool, schema, logger });
  await interactionStore.start();
  // Agents' classification corrections, kept as training data (`npm run corrections:export` reads them).
  const correctionStore = new PostgresCorrectionStore({ pool, schema });
  await correctionStore.start();
  const { bus, transport } = await connectKafkaBus(config, SERVICE);

  @Module({
    imports: [
      GatewayModule.register({
        bus,
        interactionStore,
        correctionStore,
        idempotencyStore: new RedisOutboundIdempotencyStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'outbound')}:` }),
        deferredOutboundStore: new RedisDeferredOutboundStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'outbound')}:` }),
        xApi,
        brands,
        agents: new AgentDirectory({ agents, tokenSecret: config.GATEWAY_TOKEN_SECRET }),
        options: { replicaId: config.GATEWAY_REPLICA_ID, desktopDir: config.GATEWAY_DESKTOP_DIR, run: { healthEndpoint: false } },
      }),
      ObservabilityModule.register({
        service: SERVICE,
        checks: [
          { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
          { name: 'postgres', check: async () => (await pool.query('select 1')).rowCount === 1 },
        ],
        sources: [{ prefix: 'bus', read: () => ({ ...bus.counters }) }],
      }),
      ShutdownHooksModule.register([
        () => bus.stop(),
        () => transport.disconnect(),
        () => interactionStore.stop(),
        () => correctionStore.stop(),
        () => pool.end(),
        () => redis.quit(),
      ]),
    ],
  })
  class GatewayAppModule {}

  const app = await NestFactory.create(GatewayAppModule, { logger: new PinoNestLogger(SERVICE) });
  app.enableShutdownHooks();
  tuneHttpServer(app);
  setupGatewayOpenApi(app);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST ?? '0.0.0.0');
  logger.info({ port: config.HTTP_PORT, brands: brands.map((b) => b.username), agents: agents.length }, 'gateway listening');
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
