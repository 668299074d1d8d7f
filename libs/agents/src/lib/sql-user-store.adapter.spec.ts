import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPgliteInWorker, type PgliteWorkerSqlClient, runSqlMigrations } from '@perch/sql';

import { AGENTS_MIGRATIONS } from './migrations/agents-migrations.constants';
import { SqlUserStore } from './sql-user-store.adapter';
import { describeUserStoreContract } from './testing/user-store.contract';

// PGlite: the embedded mode's data folder, migrated as the app migrates it. The PostgreSQL server runs the same
// contract in the integration tier. One PGlite for the file (opening one takes seconds); a schema per case.
jest.setTimeout(30_000);
let shared: { sql: PgliteWorkerSqlClient; dir: string } | undefined;
let cases = 0;
afterAll(async () => {
  await shared?.sql.close();
  if (shared) await rm(shared.dir, { recursive: true, force: true });
});

describeUserStoreContract('PostgreSQL (PGlite)', async () => {
  if (!shared) {
    const dir = await mkdtemp(join(tmpdir(), 'perch-users-'));
    shared = { dir, sql: await openPgliteInWorker(dir) };
  }
  const { sql } = shared;
  const schema = `users_${++cases}`;
  await runSqlMigrations(sql, { schema, migrations: AGENTS_MIGRATIONS });
  return {
    store: new SqlUserStore({ sql, schema }),
    dispose: async () => {
      await sql.query(`DROP SCHEMA "${schema}" CASCADE`);
    },
  };
});
