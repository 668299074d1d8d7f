import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPgliteInWorker, type PgliteWorkerSqlClient, runSqlMigrations } from '@perch/sql';

import { SqlDispositionStore } from './dispositions/sql-disposition-store.adapter';
import { INTERACTIONS_MIGRATIONS } from './migrations/interactions-migrations.constants';
import { SqlStandardResponseStore } from './standard-responses/sql-standard-response-store.adapter';
import { describeDispositionStoreContract } from './testing/disposition-store.contract';
import { describeStandardResponseStoreContract } from './testing/standard-response-store.contract';

// PGlite: the embedded mode's data folder, migrated as the app migrates it; the PostgreSQL server runs the same
// contracts in the integration tier. One PGlite for the file (opening one takes seconds); a schema per case.
jest.setTimeout(30_000);
let shared: { sql: PgliteWorkerSqlClient; dir: string } | undefined;
let cases = 0;
afterAll(async () => {
  await shared?.sql.close();
  if (shared) await rm(shared.dir, { recursive: true, force: true });
});

async function migratedSchema(): Promise<{ sql: PgliteWorkerSqlClient; schema: string; dispose(): Promise<void> }> {
  if (!shared) {
    const dir = await mkdtemp(join(tmpdir(), 'perch-interactions-sql-'));
    shared = { dir, sql: await openPgliteInWorker(dir) };
  }
  const { sql } = shared;
  const schema = `interactions_${++cases}`;
  await runSqlMigrations(sql, { schema, migrations: INTERACTIONS_MIGRATIONS });
  return { sql, schema, dispose: async () => void (await sql.query(`DROP SCHEMA "${schema}" CASCADE`)) };
}

describeDispositionStoreContract('PostgreSQL (PGlite)', async () => {
  const { sql, schema, dispose } = await migratedSchema();
  return { store: new SqlDispositionStore({ sql, schema }), dispose };
});

describeStandardResponseStoreContract('PostgreSQL (PGlite)', async () => {
  const { sql, schema, dispose } = await migratedSchema();
  return { store: new SqlStandardResponseStore({ sql, schema }), dispose };
});
