import { type Provider } from '@nestjs/common';
import { type EventBus } from '@perch/messaging';

import { CLASSIFIER_DEPS, type ClassifierModuleDeps } from './classifier.module';
import { LexiconClassifier } from './lexicon/lexicon-classifier.adapter';
import { TrainedClassifier } from './model/trained-classifier.adapter';
import { wireClassifier } from './classifier-wiring.util';

const bus = {} as EventBus;

function depsOf(providers: Provider[] | undefined): ClassifierModuleDeps | undefined {
  const provider = providers?.find((p) => typeof p === 'object' && 'provide' in p && p.provide === CLASSIFIER_DEPS);
  return provider && 'useValue' in provider ? (provider.useValue as ClassifierModuleDeps) : undefined;
}

describe(wireClassifier.name, () => {
  it('classifies with the trained model shipped with Perch unless told otherwise', () => {
    expect(depsOf(wireClassifier({ bus }).module.providers)?.classifier).toBeInstanceOf(TrainedClassifier);
  });

  it('takes another classifier when given one', () => {
    const classifier = new LexiconClassifier();
    expect(depsOf(wireClassifier({ bus, classifier }).module.providers)?.classifier).toBe(classifier);
  });
});
