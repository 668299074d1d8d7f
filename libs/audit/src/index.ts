export * from './lib/audit-entry.types';
export * from './lib/audit-log.port';
export * from './lib/audit-query.util';
export * from './lib/sql-client.port';
export * from './lib/pool-sql-client.adapter';
export * from './lib/pglite-sql-client.adapter';
export * from './lib/sql-audit-log.adapter';
export * from './lib/memory-audit-log.adapter';
