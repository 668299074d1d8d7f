export * from './classification-corrected.payload';
