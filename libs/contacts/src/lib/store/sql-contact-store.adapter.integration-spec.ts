import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { poolSqlClient, runSqlMigrations, type SqlClient } from '@perch/sql';
import { openPgliteInWorker, type PgliteWorkerSqlClient } from '@perch/sql/testing';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { CONTACTS_MIGRATIONS } from '../migrations/contacts-migrations.constants';
import { SqlOutreachLedger } from '../outreach/sql-outreach-ledger.adapter';
import { describeContactStoreContract } from '../testing/contact-store.contract';
import { describeOutreachLedgerContract } from '../testing/outreach-ledger.contract';
import { SqlContactStore } from './sql-contact-store.adapter';

// One contract, two databases: the real PostgreSQL (DATABASE_URL, the distributed mode) and PGlite (the embedded
// mode's PostgreSQL in the process), each test on its own migrated schema.
jest.setTimeout(60_000);

const pool = sharedDatabasePool(8);
let pglite: { sql: PgliteWorkerSqlClient; dir: string } | null = null;

async function pgliteSql(): Promise<PgliteWorkerSqlClient> {
  if (!pglite) {
    const dir = await mkdtemp(join(tmpdir(), 'perch-contacts-'));
    pglite = { sql: await openPgliteInWorker(join(dir, 'postgres')), dir };
  }
  return pglite.sql;
}

afterAll(async () => {
  await pool.end();
  if (pglite) {
    await pglite.sql.close();
    await rm(pglite.dir, { recursive: true, force: true });
  }
});

async function migratedSchema(sql: SqlClient): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `perch_contacts_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await runSqlMigrations(sql, { schema, migrations: CONTACTS_MIGRATIONS });
  return { schema, drop: () => sql.script(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) };
}

describeContactStoreContract('postgresql', async () => {
  const { schema, drop } = await migratedSchema(poolSqlClient(pool));
  return { store: new SqlContactStore({ sql: poolSqlClient(pool), schema }), dispose: drop };
});

describeContactStoreContract('pglite', async () => {
  const sql = await pgliteSql();
  const { schema, drop } = await migratedSchema(sql);
  return { store: new SqlContactStore({ sql, schema }), dispose: drop };
});

describeOutreachLedgerContract('postgresql', async () => {
  const { schema, drop } = await migratedSchema(poolSqlClient(pool));
  return { ledger: new SqlOutreachLedger({ sql: poolSqlClient(pool), schema }), dispose: drop };
});

describeOutreachLedgerContract('pglite', async () => {
  const sql = await pgliteSql();
  const { schema, drop } = await migratedSchema(sql);
  return { ledger: new SqlOutreachLedger({ sql, schema }), dispose: drop };
});

describe('SqlContactStore', () => {
  it('refuses to start on a schema whose migrations were not run, naming them', async () => {
    const { name, drop } = freshSchema(pool);
    try {
      await expect(new SqlContactStore({ sql: poolSqlClient(pool), schema: name }).start()).rejects.toThrow(/CONTACTS_MIGRATIONS/);
    } finally {
      await drop();
    }
  });

  it('keeps one contact per X user when two replicas create it at once', async () => {
    const { schema, drop } = await migratedSchema(poolSqlClient(pool));
    try {
      const replicas = [new SqlContactStore({ sql: poolSqlClient(pool), schema }), new SqlContactStore({ sql: poolSqlClient(pool), schema })];
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, index) => replicas[index % 2]?.create({ name: `Dana ${index}`, xUserId: '4242' }, { agentId: 'ada', at: index })),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const [row] = await pool.query<{ count: string }>(`SELECT count(*) FROM "${schema}".contacts`).then((r) => r.rows);
      expect(row?.count).toBe('1');
    } finally {
      await drop();
    }
  });
});
