import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqlAuditLog } from './sql-audit-log.adapter';
import { describeAuditLogContract, describeSqlAuditLogContract } from './testing/audit-log.contract';
import { openPgliteInWorker, type PgliteWorkerSqlClient } from '@perch/sql/testing';

// PGlite is PostgreSQL in this process (no service): the embedded mode's audit log, on a temporary folder.
jest.setTimeout(60_000);

function freshSchema(): string {
  return `perch_audit_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

// One database for the behaviour suite (a schema per test: booting PGlite takes seconds).
let shared: { sql: PgliteWorkerSqlClient; dir: string } | null = null;
async function sharedSql(): Promise<PgliteWorkerSqlClient> {
  if (!shared) {
    const dir = await mkdtemp(join(tmpdir(), 'perch-audit-'));
    shared = { sql: await openPgliteInWorker(join(dir, 'postgres')), dir };
  }
  return shared.sql;
}
afterAll(async () => {
  if (!shared) return;
  await shared.sql.close();
  await rm(shared.dir, { recursive: true, force: true });
});

describeAuditLogContract('pglite', async () => {
  const sql = await sharedSql();
  const schema = freshSchema();
  return {
    log: new SqlAuditLog({ sql, schema }),
    dispose: async () => {
      await sql.script(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
});

// Durability needs a database of its own per test: it is closed and opened again on the same folder.
describeSqlAuditLogContract('pglite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'perch-audit-'));
  const dataDir = join(dir, 'postgres');
  const schema = 'perch';
  let sql = await openPgliteInWorker(dataDir);
  const harness = {
    log: new SqlAuditLog({ sql, schema }),
    sql: sql as PgliteWorkerSqlClient,
    table: `"${schema}".audit_log`,
    reopen: async () => {
      await sql.close();
      sql = await openPgliteInWorker(dataDir);
      harness.sql = sql;
      return { log: new SqlAuditLog({ sql, schema }), sql };
    },
    dispose: async () => {
      await sql.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
});
