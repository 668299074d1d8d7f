export * from './interaction-lifecycle.payload';
