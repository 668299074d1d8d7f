import { randomUUID } from 'node:crypto';

import { poolSqlClient } from '@perch/sql';
import { Pool } from 'pg';

import { describeTokenRevocationStoreContract } from './testing/token-revocation-store.contract';
import { SqlTokenRevocationStore } from './sql-token-revocation-store.adapter';

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('DATABASE_URL must be set (the integration global setup provides it)');

const pool = new Pool({ connectionString: databaseUrl, max: 4 });
afterAll(async () => {
  await pool.end();
});

// The same adapter as the embedded mode's PGlite, on a PostgreSQL server; each harness its own schema.
describeTokenRevocationStoreContract('PostgreSQL server', async () => {
  const schema = `perch_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  let now = Date.now();
  const store = new SqlTokenRevocationStore({ sql: poolSqlClient(pool), schema, clock: { now: () => now } });
  await store.start();
  return {
    store,
    now: () => now,
    elapse: async (ms) => {
      now += ms;
    },
    dispose: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
});
