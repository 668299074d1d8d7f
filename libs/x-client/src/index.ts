export * from './lib/twitter-client.factory';
export * from './lib/x-api.port';
export * from './lib/twitter-api-x.adapter';
export * from './lib/x-error-mapping.util';
export * from './lib/reconnect-policy.util';
export * from './lib/filtered-stream.types';
export * from './lib/filtered-stream.source';
export * from './lib/brand-accounts.util';
