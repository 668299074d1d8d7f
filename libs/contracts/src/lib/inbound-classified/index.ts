export * from './inbound-classified.payload';
