import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { describeCorrectionStoreContract } from '../testing/correction-store.contract';
import { buildCorrected } from '../testing/interaction.fixtures';
import { correctionRecordFromEvent } from './correction-record.util';
import { PostgresCorrectionStore } from './postgres-correction-store.adapter';

// One pool for the file; each test gets its own schema, dropped afterwards (the database is shared).
const pool = sharedDatabasePool(8);
afterAll(async () => {
  await pool.end();
});

describeCorrectionStoreContract('postgresql', async () => {
  const schema = freshSchema(pool);
  return { store: new PostgresCorrectionStore({ pool, schema: schema.name }), dispose: schema.drop };
});

describe('PostgresCorrectionStore', () => {
  it('can start twice on the same schema (replicas start together), with a column per payload field', async () => {
    const { name: schema, drop } = freshSchema(pool);
    try {
      await Promise.all([new PostgresCorrectionStore({ pool, schema }).start(), new PostgresCorrectionStore({ pool, schema }).start()]);
      const columns = await pool.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'classification_corrections'
         ORDER BY ordinal_position`,
        [schema],
      );
      expect(columns.rows.map((row) => row.column_name)).toEqual([
        'correction_id',
        'interaction_id',
        'message_id',
        'brand_account_id',
        'agent_id',
        'text',
        'original_sentiment',
        'original_sentiment_score',
        'original_actionability',
        'original_actionability_score',
        'model',
        'corrected_sentiment',
        'corrected_actionability',
        'note',
        'corrected_at',
        'recorded_at',
      ]);
    } finally {
      await drop();
    }
  });

  it('refuses a row that corrects nothing, even written around the adapter', async () => {
    const { name: schema, drop } = freshSchema(pool);
    try {
      const store = new PostgresCorrectionStore({ pool, schema });
      await store.start();
      await expect(store.record({ ...correctionRecordFromEvent(buildCorrected()), corrected: {} })).rejects.toThrow(/check constraint/);
    } finally {
      await drop();
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => new PostgresCorrectionStore({ pool, schema: 'x"; DROP TABLE y; --' })).toThrow(/Invalid schema name/);
  });
});
