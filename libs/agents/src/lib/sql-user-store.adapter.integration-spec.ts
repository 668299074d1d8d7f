import { poolSqlClient, runSqlMigrations } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { AGENTS_MIGRATIONS } from './migrations/agents-migrations.constants';
import { SqlUserStore } from './sql-user-store.adapter';
import { describeUserStoreContract } from './testing/user-store.contract';

const pool = sharedDatabasePool(4);
afterAll(async () => {
  await pool.end();
});

// The same adapter and migrations as the embedded mode's PGlite, on a PostgreSQL server; each case its own schema.
describeUserStoreContract('PostgreSQL server', async () => {
  const schema = freshSchema(pool);
  await runSqlMigrations(poolSqlClient(pool), { schema: schema.name, migrations: AGENTS_MIGRATIONS });
  return { store: new SqlUserStore({ sql: poolSqlClient(pool), schema: schema.name }), dispose: schema.drop };
});
