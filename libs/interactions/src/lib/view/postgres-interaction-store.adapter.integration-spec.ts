import { randomUUID } from 'node:crypto';

import { poolSqlClient } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { buildMessage, correctionUpdate, headerUpdate } from '../testing/interaction.fixtures';
import { describeCoalescedFlush } from '../testing/coalesced-flush.contract';
import { describeInteractionStoreContract } from '../testing/interaction-store.contract';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

// One pool for the file; each test gets its own schema, dropped afterwards (the database is shared).
const pool = sharedDatabasePool(8);
afterAll(async () => {
  await pool.end();
});

describeInteractionStoreContract('postgresql', async () => {
  const schema = freshSchema(pool);
  return { store: new PostgresInteractionStore({ pool, schema: schema.name }), dispose: schema.drop };
});

describeCoalescedFlush('postgresql', async () => {
  const schema = freshSchema(pool);
  return { sql: poolSqlClient(pool), schema: schema.name, dispose: schema.drop };
});

describe('PostgresInteractionStore', () => {
  it('can start twice on the same schema (replicas start together)', async () => {
    const { name: schema, drop } = freshSchema(pool);
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
      await drop();
    }
  });

  it('adds the correction column to a table created before agents could correct labels, and keeps its rows', async () => {
    const { name: schema, drop } = freshSchema(pool);
    const id = randomUUID();
    const message = buildMessage();
    try {
      // The table as the previous release created it, with one interaction in it.
      await pool.query(`CREATE SCHEMA "${schema}"`);
      await pool.query(`
        CREATE TABLE "${schema}".interactions (
          id text PRIMARY KEY, conversation_key text NOT NULL, brand_account_id text NOT NULL, correlation_id text NOT NULL,
          priority integer NOT NULL, state text NOT NULL, agent_id text, offer_id text, offer_expires_at text,
          first_message jsonb, classification jsonb, created_at bigint NOT NULL, updated_at bigint NOT NULL)`);
      await pool.query(
        `INSERT INTO "${schema}".interactions VALUES ($1, $2, '1001', 'corr-1', 1, 'completed', 'agent-7', NULL, NULL, $3, NULL, 1000, 2000)`,
        [id, message.conversationKey, JSON.stringify(message)],
      );

      const store = new PostgresInteractionStore({ pool, schema });
      await store.start();
      expect(await store.get(id)).toMatchObject({ state: 'completed', classificationCorrection: null });
      await store.applyClassificationCorrection(correctionUpdate({ interactionId: id, messageId: message.messageId, corrected: { sentiment: 'positive' } }));
      await store.applyHeader(headerUpdate('completed', { interactionId: id, agentId: 'agent-7' }, 3000));
      expect(await store.get(id)).toMatchObject({ state: 'completed', updatedAt: 3000, classificationCorrection: { sentiment: 'positive' } });
      await store.stop();
    } finally {
      await drop();
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresInteractionStore({ pool, schema: 'x"; DROP TABLE y; --' })).toThrow(/Invalid schema name/);
  });
});
