export * from './outbound-requested.payload';
