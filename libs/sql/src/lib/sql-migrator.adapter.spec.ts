import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeSqlMigratorContract } from './testing/sql-migrator.contract';
import { openPgliteInWorker } from './testing/pglite-worker-sql-client.adapter';

// PGlite: the embedded mode's database. The same contract on a PostgreSQL server runs in the integration tier.
// Each case opens a fresh PGlite (a WASM PostgreSQL, seconds on a busy machine): past Jest's 5 s hook default.
jest.setTimeout(30_000);
describeSqlMigratorContract('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'perch-migrator-'));
  const sql = await openPgliteInWorker(dir);
  return {
    sql,
    // One PGlite is one connection: the second start-up shares it, and the transaction gate keeps the runs apart.
    other: sql,
    schema: 'perch',
    dispose: async () => {
      await sql.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
