import { pgliteSpecSchemas } from '@perch/sql/testing';

import { describeCoalescedFlush } from '../testing/coalesced-flush.contract';
import { describeInteractionStoreContract } from '../testing/interaction-store.contract';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

// PGlite: the embedded mode's data folder, where the projection (with each done's disposition and note) survives a
// restart. The same adapter on a PostgreSQL server runs the contract in the integration tier. One PGlite for the file
// (opening one takes seconds); a schema per case.
jest.setTimeout(120_000);
const pglite = pgliteSpecSchemas('interactions');
afterAll(() => pglite.close());

describeInteractionStoreContract('PostgreSQL (PGlite)', async () => {
  // No migrations: the projection creates its own tables (ADR 20).
  const { sql, schema, dispose } = await pglite.next();
  return { store: new PostgresInteractionStore({ sql, schema }), dispose };
});

describeCoalescedFlush('PGlite', () => pglite.next());
