import { randomUUID } from 'node:crypto';

import { Pool } from 'pg';

import { poolSqlClient, type SqlClient } from '@perch/sql';
import { freshSchema, serviceEnv, sharedDatabasePool } from '@perch/testing';
import { CoalescingAuditLog } from './coalescing-audit-log.adapter';
import { SqlAuditLog } from './sql-audit-log.adapter';
import { buildAuditEntry, describeAuditLogContract, describeSqlAuditLogContract } from './testing/audit-log.contract';

const { databaseUrl } = serviceEnv();
// One pool for the file; each test gets its own schema, dropped afterwards (the database is shared).
const pool = sharedDatabasePool(8);
afterAll(async () => {
  await pool.end();
});

describeAuditLogContract('postgresql', async () => {
  const schema = freshSchema(pool);
  return { log: new SqlAuditLog({ sql: poolSqlClient(pool), schema: schema.name }), dispose: schema.drop };
});

// What the gateway runs: appends coalesced into one INSERT per round trip (ADR 30).
describeAuditLogContract('coalescing over postgresql', async () => {
  const schema = freshSchema(pool);
  return { log: new CoalescingAuditLog(new SqlAuditLog({ sql: poolSqlClient(pool), schema: schema.name })), dispose: schema.drop };
});

// Reopening is a new pool on the same database, as a restarted gateway has.
describeSqlAuditLogContract('postgresql', async () => {
  const { name: schema, drop } = freshSchema(pool);
  let own = new Pool({ connectionString: databaseUrl, max: 2 });
  const harness = {
    log: new SqlAuditLog({ sql: poolSqlClient(own), schema }),
    sql: poolSqlClient(own),
    table: `"${schema}".audit_log`,
    reopen: async () => {
      await own.end();
      own = new Pool({ connectionString: databaseUrl, max: 2 });
      harness.sql = poolSqlClient(own);
      return { log: new SqlAuditLog({ sql: harness.sql, schema }), sql: harness.sql };
    },
    dispose: async () => {
      await own.end();
      await drop();
    },
  };
  return harness;
});

describe('SqlAuditLog on PostgreSQL', () => {
  it('takes UPDATE, DELETE and TRUNCATE away from a role that owns the table, not only the trigger', async () => {
    const { name: schema, drop } = freshSchema(pool);
    const role = `perch_it_owner_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    await pool.query(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(databaseUrl);
    url.username = role;
    const asOwner = new Pool({ connectionString: url.toString(), max: 1 });
    try {
      await pool.query(`GRANT CREATE ON DATABASE "${url.pathname.slice(1)}" TO ${role}`);
      const log = new SqlAuditLog({ sql: poolSqlClient(asOwner), schema });
      await log.start();
      await log.append(buildAuditEntry());
      // Refused by privileges before the trigger is reached: "permission denied".
      await expect(asOwner.query(`UPDATE "${schema}".audit_log SET code = 'x'`)).rejects.toThrow(/permission denied/);
      await expect(asOwner.query(`DELETE FROM "${schema}".audit_log`)).rejects.toThrow(/permission denied/);
      await expect(asOwner.query(`TRUNCATE "${schema}".audit_log`)).rejects.toThrow(/permission denied/);
      expect((await log.query()).entries).toHaveLength(1);
    } finally {
      await asOwner.end();
      await drop();
      await pool.query(`REVOKE CREATE ON DATABASE "${new URL(databaseUrl).pathname.slice(1)}" FROM ${role}`);
      await pool.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new SqlAuditLog({ sql: poolSqlClient(pool), schema: 'x"; DROP TABLE y; --' })).toThrow(/Invalid schema name/);
  });

  it('keeps the entries written with one PostgreSQL refuses (a NUL in its text), in fewer round trips than entries', async () => {
    const { name: schema, drop } = freshSchema(pool);
    const sql = poolSqlClient(pool);
    let roundTrips = 0;
    const counted: SqlClient = {
      query: <R extends object>(text: string, params?: readonly unknown[]): Promise<R[]> => {
        if (text.startsWith('INSERT')) roundTrips += 1;
        return sql.query<R>(text, params);
      },
      script: (text) => sql.script(text),
      transaction: (work) => sql.transaction(work),
    };
    const log = new CoalescingAuditLog(new SqlAuditLog({ sql: counted, schema }));
    try {
      await log.start();
      const entries = Array.from({ length: 31 }, (_, index) => buildAuditEntry({ details: { note: index === 12 ? 'nul \u0000 here' : `fine ${index}` } }));

      const results = await Promise.allSettled(entries.map((entry) => log.append(entry)));

      expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
      expect(results[12]?.status).toBe('rejected');
      expect((await log.query({ limit: 100 })).entries).toHaveLength(30);
      expect(roundTrips).toBeLessThan(31);
    } finally {
      await log.stop();
      await drop();
    }
  });
});
