import { AGENTS_MIGRATIONS } from '@perch/agents';
import { CONTACTS_MIGRATIONS } from '@perch/contacts';
import { INTERACTIONS_MIGRATIONS } from '@perch/interactions';
import { type SqlMigration } from '@perch/sql';

/**
 * Every migration of the gateway's schema, from each library that keeps tables there; both apps run them at
 * start-up with runSqlMigrations (PostgreSQL in apps/gateway, PGlite in apps/perch). A library with new tables
 * adds its list here (numbers are global: see /libs/sql/README.md).
 */
export const GATEWAY_MIGRATIONS: readonly SqlMigration[] = [...AGENTS_MIGRATIONS, ...INTERACTIONS_MIGRATIONS, ...CONTACTS_MIGRATIONS];
