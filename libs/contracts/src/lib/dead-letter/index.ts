export * from './dead-letter-record.types';
