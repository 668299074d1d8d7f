export * from './lib/sql-client.port';
export * from './lib/pool-sql-client.adapter';
export * from './lib/in-transaction.util';
export * from './lib/pglite-sql-client.adapter';
export * from './lib/testing/pglite-worker-sql-client.adapter';
export * from './lib/testing/pglite-spec-schemas.fixtures';
export * from './lib/sql-migration.types';
export * from './lib/sql-migrator.adapter';
