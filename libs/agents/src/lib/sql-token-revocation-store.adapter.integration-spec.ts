import { poolSqlClient } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { describeTokenRevocationStoreContract, fakeClockHarness } from './testing/token-revocation-store.contract';
import { SqlTokenRevocationStore } from './sql-token-revocation-store.adapter';

const pool = sharedDatabasePool(4);
afterAll(async () => {
  await pool.end();
});

// The same adapter as the embedded mode's PGlite, on a PostgreSQL server; each harness its own schema.
describeTokenRevocationStoreContract('PostgreSQL server', () =>
  fakeClockHarness(Date.now(), async (clock) => {
    const schema = freshSchema(pool);
    const store = new SqlTokenRevocationStore({ sql: poolSqlClient(pool), schema: schema.name, clock });
    await store.start();
    return { store, dispose: schema.drop };
  }),
);
