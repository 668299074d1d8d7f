export * from './lib/brand-account';
export * from './lib/dedupe/dedupe-store.port';
export * from './lib/dedupe/memory-dedupe-store.adapter';
export * from './lib/dedupe/redis-dedupe-store.adapter';
export * from './lib/inbound-source.port';
export * from './lib/ingestor.service';
export * from './lib/tweet-normalizer';
export * from './lib/ingestion.module';
