import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { wireClassifier } from '@perch/classification';
import { configureLogging, loadConfig } from '@perch/platform';
import {
  connectKafkaBus,
  exitOnStartupFailure,
  httpOptionsFromEnv,
  ObservabilityModule,
  runService,
  ShutdownHooksModule,
} from '@perch/service-kit';

import { ClassifierConfig } from './classifier.config';

const SERVICE = 'classifier';

async function main(): Promise<void> {
  const config = loadConfig(ClassifierConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const { bus, transport, eventMetrics } = await connectKafkaBus(config, SERVICE);

  @Module({
    imports: [
      wireClassifier({ bus }).module,
      ObservabilityModule.register({ service: SERVICE, metrics: eventMetrics.metrics, sources: [{ prefix: 'bus', read: () => ({ ...bus.counters }) }] }),
      ShutdownHooksModule.register([() => bus.stop(), () => transport.disconnect()]),
    ],
  })
  class ClassifierAppModule {}

  await runService({ module: ClassifierAppModule }, { service: SERVICE, ...httpOptionsFromEnv(config) });
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
