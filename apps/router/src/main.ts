import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { configureLogging, loadConfig } from '@perch/platform';
import { RedisRoutingStore, wireRouter } from '@perch/routing';
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

import { RouterConfig } from './router.config';

const SERVICE = 'router';

async function main(): Promise<void> {
  const config = loadConfig(RouterConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const redis = await connectRedis(config);
  const { bus, transport, eventMetrics } = await connectKafkaBus(config, SERVICE);

  const router = wireRouter({
    bus,
    store: new RedisRoutingStore(redis, redisNamespace(config, config.ROUTER_TENANT), config.routingStoreOptions()),
    offerTimeoutMs: config.ROUTER_OFFER_TIMEOUT_MS,
    sweepIntervalMs: config.ROUTER_SWEEP_INTERVAL_MS,
    notReadyReasons: config.notReadyReasons(),
    conferenceMaxAgents: config.ROUTER_CONFERENCE_MAX_AGENTS,
    outboxReclaimMs: config.ROUTER_OUTBOX_RECLAIM_MS,
    ...config.skillOptions(),
  });

  @Module({
    imports: [
      router.module,
      ObservabilityModule.register({
        service: SERVICE,
        // perch_event_wait_seconds and perch_event_handling_seconds, by topic and consumer group.
        metrics: eventMetrics.metrics,
        checks: [{ name: 'redis', check: async () => (await redis.ping()) === 'PONG' }],
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          // perch_outbox_pending: the router's state changes not yet announced (should stay near 0).
          { prefix: 'outbox', read: () => ({ ...router.outbox }) },
        ],
      }),
      ShutdownHooksModule.register([() => bus.stop(), () => transport.disconnect(), () => redis.quit()]),
    ],
  })
  class RouterAppModule {}

  await runService({ module: RouterAppModule }, { service: SERVICE, ...httpOptionsFromEnv(config) });
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
