export * from './lib/clock';
export * from './lib/config';
export * from './lib/errors';
export * from './lib/ids';
export * from './lib/logger';
export * from './lib/validation';
