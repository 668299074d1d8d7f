import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPgliteInWorker, type PgliteWorkerSqlClient } from '@perch/sql/testing';

import { describeTokenRevocationStoreContract, fakeClockHarness } from './testing/token-revocation-store.contract';
import { SqlTokenRevocationStore } from './sql-token-revocation-store.adapter';

// PGlite: what the embedded mode keeps in its data folder. The same adapter on a PostgreSQL server runs in the
// integration tier.

// Each case opens a fresh PGlite (a WASM PostgreSQL, ~4 s on a busy 2-core machine): past Jest's 5 s hook default.
jest.setTimeout(30_000);
describeTokenRevocationStoreContract('PostgreSQL (PGlite)', () =>
  fakeClockHarness(1_000_000, async (clock) => {
    const dir = await mkdtemp(join(tmpdir(), 'perch-revocations-'));
    const sql = await openPgliteInWorker(dir);
    const store = new SqlTokenRevocationStore({ sql, schema: 'perch', clock });
    await store.start();
    return {
      store,
      dispose: async () => {
        await sql.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }),
);

describe(SqlTokenRevocationStore.name, () => {
  it('still refuses a signed-out token after the database is closed and opened again (a restart)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perch-revocations-'));
    let sql: PgliteWorkerSqlClient | undefined;
    try {
      sql = await openPgliteInWorker(dir);
      const first = new SqlTokenRevocationStore({ sql, schema: 'perch' });
      await first.start();
      // Times fixed before the restart: reopening PGlite takes seconds on a busy machine, and "a second before the
      // cut-off" must not depend on how long.
      const revokedAt = Date.now();
      await first.revoke('token-1', revokedAt + 60_000);
      await first.revokeAllFor('ada', revokedAt, 60_000);
      await sql.close();

      sql = await openPgliteInWorker(dir);
      const second = new SqlTokenRevocationStore({ sql, schema: 'perch' });
      await second.start();
      const revoked = await second.revokedAmong([
        { tokenId: 'token-1', agentId: 'bob', issuedAt: revokedAt },
        { tokenId: 'token-2', agentId: 'ada', issuedAt: revokedAt - 1_000 },
        { tokenId: 'token-3', agentId: 'bob', issuedAt: revokedAt },
      ]);
      expect(revoked).toEqual(new Set(['token-1', 'token-2']));
    } finally {
      await sql?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
