import { poolSqlClient, runSqlMigrations } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { CachedDispositionStore } from './dispositions/cached-disposition-store.adapter';
import { SqlDispositionStore } from './dispositions/sql-disposition-store.adapter';
import { INTERACTIONS_MIGRATIONS } from './migrations/interactions-migrations.constants';
import { SqlStandardResponseStore } from './standard-responses/sql-standard-response-store.adapter';
import { describeDispositionStoreContract } from './testing/disposition-store.contract';
import { describeStandardResponseStoreContract } from './testing/standard-response-store.contract';

const pool = sharedDatabasePool(4);
afterAll(async () => {
  await pool.end();
});

// The same adapters and migrations as the embedded mode's PGlite, on a PostgreSQL server; each case its own schema.
async function migratedSchema(): Promise<{ schema: string; dispose(): Promise<void> }> {
  const schema = freshSchema(pool);
  await runSqlMigrations(poolSqlClient(pool), { schema: schema.name, migrations: INTERACTIONS_MIGRATIONS });
  return { schema: schema.name, dispose: schema.drop };
}

describeDispositionStoreContract('PostgreSQL server', async () => {
  const { schema, dispose } = await migratedSchema();
  return { store: new SqlDispositionStore({ sql: poolSqlClient(pool), schema }), dispose };
});

// What the gateway runs: the same, read through the per-brand cache (ADR 32).
describeDispositionStoreContract('cached over PostgreSQL server', async () => {
  const { schema, dispose } = await migratedSchema();
  return { store: new CachedDispositionStore(new SqlDispositionStore({ sql: poolSqlClient(pool), schema })), dispose };
});

describeStandardResponseStoreContract('PostgreSQL server', async () => {
  const { schema, dispose } = await migratedSchema();
  return { store: new SqlStandardResponseStore({ sql: poolSqlClient(pool), schema }), dispose };
});
