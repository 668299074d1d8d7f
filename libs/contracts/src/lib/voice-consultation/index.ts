export * from './voice-consultation.payload';
