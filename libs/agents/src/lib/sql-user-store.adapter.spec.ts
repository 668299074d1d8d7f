import { pgliteSpecSchemas } from '@perch/sql/testing';

import { AGENTS_MIGRATIONS } from './migrations/agents-migrations.constants';
import { SqlUserStore } from './sql-user-store.adapter';
import { describeUserStoreContract } from './testing/user-store.contract';

// PGlite: the embedded mode's data folder, migrated as the app migrates it. The PostgreSQL server runs the same
// contract in the integration tier. One PGlite for the file (opening one takes seconds); a schema per case.
jest.setTimeout(30_000);
const pglite = pgliteSpecSchemas('users');
afterAll(() => pglite.close());

describeUserStoreContract('PostgreSQL (PGlite)', async () => {
  const { sql, schema, dispose } = await pglite.next(AGENTS_MIGRATIONS);
  return { store: new SqlUserStore({ sql, schema }), dispose };
});
