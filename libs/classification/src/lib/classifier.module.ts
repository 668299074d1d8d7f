import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import { systemClock } from '@perch/platform';

import { type TextClassifier } from './classifier.port';
import { ClassifierService } from './classifier.domain';

export interface ClassifierModuleDeps {
  bus: EventBus;
  classifier: TextClassifier;
}

export const CLASSIFIER_DEPS = Symbol('CLASSIFIER_DEPS');

@Injectable()
export class ClassifierConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private handle?: ConsumerHandle;
  private readonly service: ClassifierService;

  constructor(@Inject(CLASSIFIER_DEPS) private readonly deps: ClassifierModuleDeps) {
    this.service = new ClassifierService(deps.classifier, deps.bus, systemClock);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.handle = await this.deps.bus.subscribe(Topics.InboundReceived, ConsumerGroups.Classifier, (event) =>
      this.service.handleReceived(event),
      { fromBeginning: true },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
  }
}

/** The classifier service: x.inbound.received.v1 → x.inbound.classified.v1. */
@Module({})
export class ClassifierModule {
  static register(deps: ClassifierModuleDeps): DynamicModule {
    return {
      module: ClassifierModule,
      providers: [{ provide: CLASSIFIER_DEPS, useValue: deps }, ClassifierConsumer],
    };
  }
}
