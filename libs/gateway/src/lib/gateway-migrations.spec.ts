import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { hashPassword, SqlUserStore } from '@perch/agents';
import { SqlDispositionStore } from '@perch/interactions';
import { appliedSqlMigrations, runSqlMigrations } from '@perch/sql';
import { openPgliteInWorker } from '@perch/sql/testing';

import { GATEWAY_MIGRATIONS } from './gateway-migrations.constants';

// The embedded mode's start-up on its data folder (PGlite): every library's migrations apply on a new folder, none on a
// restart, and what was written survives it. The same migrations on a PostgreSQL server: the integration spec.
jest.setTimeout(60_000);

describe('the gateway schema in the embedded data folder', () => {
  it('migrates a new folder, applies nothing on a restart, and keeps users and codes written before it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perch-gateway-schema-'));
    try {
      let sql = await openPgliteInWorker(dir);
      const first = await runSqlMigrations(sql, { schema: 'perch', migrations: GATEWAY_MIGRATIONS });
      expect(first.applied).toEqual(GATEWAY_MIGRATIONS.map((migration) => migration.name).sort());
      expect(first.applied).toEqual(expect.arrayContaining(['0001-users', '0002-disposition-codes', '0003-standard-responses']));
      const user = { id: 'erin', displayName: 'Erin', passwordHash: await hashPassword('erin pw', { N: 1024 }), capacity: 2, skills: [], role: 'agent' as const, brands: ['acme_support'] };
      await new SqlUserStore({ sql, schema: 'perch' }).create(user, 1_000);
      await new SqlDispositionStore({ sql, schema: 'perch' }).addCode('acme_support', { code: 'refund', label: 'Refund' }, 1_000);
      await sql.close();

      sql = await openPgliteInWorker(dir);
      try {
        expect((await runSqlMigrations(sql, { schema: 'perch', migrations: GATEWAY_MIGRATIONS })).applied).toEqual([]);
        expect(await appliedSqlMigrations(sql, 'perch')).toEqual(first.applied);
        expect(await new SqlUserStore({ sql, schema: 'perch' }).find('erin')).toMatchObject({ id: 'erin', brands: ['acme_support'], disabled: false });
        expect((await new SqlDispositionStore({ sql, schema: 'perch' }).forBrand('acme_support')).codes).toEqual([{ code: 'refund', label: 'Refund', retired: false }]);
      } finally {
        await sql.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
