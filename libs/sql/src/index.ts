export * from './lib/sql-client.port';
export * from './lib/pool-sql-client.adapter';
export * from './lib/in-transaction.util';
export * from './lib/sql-migration.types';
export * from './lib/sql-migrator.adapter';
