export * from './inbound-received.payload';
