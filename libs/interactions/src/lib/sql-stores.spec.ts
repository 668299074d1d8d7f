import { pgliteSpecSchemas } from '@perch/sql/testing';

import { SqlDispositionStore } from './dispositions/sql-disposition-store.adapter';
import { INTERACTIONS_MIGRATIONS } from './migrations/interactions-migrations.constants';
import { SqlStandardResponseStore } from './standard-responses/sql-standard-response-store.adapter';
import { describeDispositionStoreContract } from './testing/disposition-store.contract';
import { describeStandardResponseStoreContract } from './testing/standard-response-store.contract';

// PGlite: the embedded mode's data folder, migrated as the app migrates it; the PostgreSQL server runs the same
// contracts in the integration tier. One PGlite for the file (opening one takes seconds); a schema per case.
jest.setTimeout(30_000);
const pglite = pgliteSpecSchemas('interactions');
afterAll(() => pglite.close());

describeDispositionStoreContract('PostgreSQL (PGlite)', async () => {
  const { sql, schema, dispose } = await pglite.next(INTERACTIONS_MIGRATIONS);
  return { store: new SqlDispositionStore({ sql, schema }), dispose };
});

describeStandardResponseStoreContract('PostgreSQL (PGlite)', async () => {
  const { sql, schema, dispose } = await pglite.next(INTERACTIONS_MIGRATIONS);
  return { store: new SqlStandardResponseStore({ sql, schema }), dispose };
});
