export * from './interaction-lifecycle.payload';
export * from './interaction-lifecycle-creation.util';
