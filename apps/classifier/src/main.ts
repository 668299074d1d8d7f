import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { ClassifierModule, LexiconClassifier } from '@perch/classification';
import { KafkaTransport, startEventBus } from '@perch/messaging';
import { createLogger, loadConfig } from '@perch/platform';
import { exitOnStartupFailure, ObservabilityModule, runService, ShutdownHooksModule } from '@perch/service-kit';

import { ClassifierConfig } from './classifier.config';

const SERVICE = 'classifier';

async function main(): Promise<void> {
  const config = loadConfig(ClassifierConfig);
  const logger = createLogger(SERVICE);
  const transport = new KafkaTransport({ brokers: config.KAFKA_BROKERS.split(','), clientId: config.KAFKA_CLIENT_ID, logger });
  const bus = await startEventBus(transport, { producer: SERVICE, logger });

  @Module({
    imports: [
      ClassifierModule.register({ bus, classifier: new LexiconClassifier() }),
      ObservabilityModule.register({ service: SERVICE, sources: [{ prefix: 'bus', read: () => ({ ...bus.counters }) }] }),
      ShutdownHooksModule.register([() => bus.stop(), () => transport.disconnect()]),
    ],
  })
  class ClassifierAppModule {}

  await runService({ module: ClassifierAppModule }, { service: SERVICE, port: config.HTTP_PORT });
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
