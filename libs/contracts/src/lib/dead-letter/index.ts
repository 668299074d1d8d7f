export * from './dead-letter.record';
