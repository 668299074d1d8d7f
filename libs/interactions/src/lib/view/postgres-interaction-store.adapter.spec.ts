import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPgliteInWorker, type PgliteWorkerSqlClient } from '@perch/sql';

import { describeInteractionStoreContract } from '../testing/interaction-store.contract';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

// PGlite: the embedded mode's data folder, where the projection (with each done's disposition and note) survives a
// restart. The same adapter on a PostgreSQL server runs the contract in the integration tier. One PGlite for the file
// (opening one takes seconds); a schema per case.
jest.setTimeout(30_000);
let shared: { sql: PgliteWorkerSqlClient; dir: string } | undefined;
let cases = 0;
afterAll(async () => {
  await shared?.sql.close();
  if (shared) await rm(shared.dir, { recursive: true, force: true });
});

describeInteractionStoreContract('PostgreSQL (PGlite)', async () => {
  if (!shared) {
    const dir = await mkdtemp(join(tmpdir(), 'perch-interactions-'));
    shared = { dir, sql: await openPgliteInWorker(dir) };
  }
  const { sql } = shared;
  const schema = `interactions_${++cases}`;
  return {
    store: new PostgresInteractionStore({ sql, schema }),
    dispose: async () => {
      await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
});
