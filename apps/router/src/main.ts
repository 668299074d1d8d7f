import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { loadConfig } from '@perch/platform';
import { RedisRoutingStore, RouterModule } from '@perch/routing';
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
  const redis = await connectRedis(config);
  const { bus, transport } = await connectKafkaBus(config, SERVICE);
  const tenant = redisNamespace(config, config.ROUTER_TENANT);

  @Module({
    imports: [
      RouterModule.register({
        bus,
        store: new RedisRoutingStore(redis, tenant),
        options: { tenant, offerTimeoutMs: config.ROUTER_OFFER_TIMEOUT_MS, sweepIntervalMs: config.ROUTER_SWEEP_INTERVAL_MS },
      }),
      ObservabilityModule.register({
        service: SERVICE,
        checks: [{ name: 'redis', check: async () => (await redis.ping()) === 'PONG' }],
        sources: [{ prefix: 'bus', read: () => ({ ...bus.counters }) }],
      }),
      ShutdownHooksModule.register([() => bus.stop(), () => transport.disconnect(), () => redis.quit()]),
    ],
  })
  class RouterAppModule {}

  await runService({ module: RouterAppModule }, { service: SERVICE, ...httpOptionsFromEnv(config) });
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
