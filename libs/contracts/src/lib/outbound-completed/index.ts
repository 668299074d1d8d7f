export * from './outbound-completed.payload';
