export * from './lib/audit-entry.types';
export * from './lib/audit-log.port';
export * from './lib/audit-query.util';
export * from './lib/sql-audit-log.adapter';
export * from './lib/memory-audit-log.adapter';
