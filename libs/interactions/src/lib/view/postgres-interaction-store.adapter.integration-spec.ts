import { randomUUID } from 'node:crypto';

import { Pool } from 'pg';

import { describeInteractionStoreContract } from '../testing/interaction-store-contract';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('DATABASE_URL must be set (the integration global setup provides it)');

// One pool for the file; each test gets its own schema, dropped afterwards (the database is shared).
const pool = new Pool({ connectionString: databaseUrl, max: 8 });
afterAll(async () => {
  await pool.end();
});

describeInteractionStoreContract('postgresql', async () => {
  const schema = `perch_it_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return {
    store: new PostgresInteractionStore({ pool, schema }),
    dispose: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
});

describe('PostgresInteractionStore', () => {
  it('can start twice on the same schema (replicas start together)', async () => {
    const schema = `perch_it_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    try {
      await Promise.all([
        new PostgresInteractionStore({ pool, schema }).start(),
        new PostgresInteractionStore({ pool, schema }).start(),
      ]);
      const tables = await pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(['interactions', 'transcript_entries']);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresInteractionStore({ pool, schema: 'x"; DROP TABLE y; --' })).toThrow(/Invalid schema name/);
  });
});
