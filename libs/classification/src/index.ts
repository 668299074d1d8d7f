export * from './lib/classifier.port';
export * from './lib/classifier.service';
export * from './lib/lexicon/lexicon-classifier';
export * from './lib/classifier.module';
