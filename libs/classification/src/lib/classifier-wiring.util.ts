import { type DynamicModule } from '@nestjs/common';
import { type EventBus } from '@perch/messaging';

import { ClassifierModule } from './classifier.module';
import { type TextClassifier } from './classifier.port';
import { TrainedClassifier } from './model/trained-classifier.adapter';

export interface ClassifierWiringOptions {
  bus: EventBus;
  /** Default: the trained model shipped with Perch (TrainedClassifier.load()). */
  classifier?: TextClassifier;
}

/** The classifier of one process: its Nest module. */
export interface ClassifierWiring {
  module: DynamicModule;
}

/** The classifier's wiring, for its own app and for the embedded one: the apps pick the bus. */
export function wireClassifier(options: ClassifierWiringOptions): ClassifierWiring {
  return { module: ClassifierModule.register({ bus: options.bus, classifier: options.classifier ?? TrainedClassifier.load() }) };
}
