import { inTransaction } from '@perch/sql';
import { type Pool } from 'pg';

import { type CorrectionRecord, type CorrectionStore, type ListCorrectionsOptions } from './correction-store.port';

export interface PostgresCorrectionStoreOptions {
  /** Owned by the caller: stop() does not end it. */
  pool: Pool;
  /** Schema holding the table; created if missing (the gateway uses its interaction store's). */
  schema: string;
}

interface CorrectionRow {
  correction_id: string;
  interaction_id: string;
  message_id: string;
  brand_account_id: string;
  agent_id: string;
  text: string;
  original_sentiment: CorrectionRecord['original']['sentiment'];
  original_sentiment_score: number;
  original_actionability: CorrectionRecord['original']['actionability'];
  original_actionability_score: number;
  model: string;
  corrected_sentiment: NonNullable<CorrectionRecord['corrected']['sentiment']> | null;
  corrected_actionability: NonNullable<CorrectionRecord['corrected']['actionability']> | null;
  note: string | null;
  corrected_at: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const DEFAULT_LIMIT = 500;
const COLUMNS = [
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
] as const;

/**
 * CorrectionStore on PostgreSQL: table `classification_corrections`, one row per correction with a column
 * per payload field (so a training job can read it with plain SQL), idempotent on correction_id.
 * Corrections are rare (a few per agent per hour): one statement per write, no batching.
 */
export class PostgresCorrectionStore implements CorrectionStore {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly table: string;

  constructor(options: PostgresCorrectionStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) {
      throw new Error(`Invalid schema name "${options.schema}": use lower-case letters, digits and underscores`);
    }
    this.pool = options.pool;
    this.schema = `"${options.schema}"`;
    this.table = `${this.schema}.classification_corrections`;
  }

  async start(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Replicas start together; the lock keeps concurrent CREATE ... IF NOT EXISTS from colliding.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`perch-corrections:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          correction_id text PRIMARY KEY,
          interaction_id text NOT NULL,
          message_id text NOT NULL,
          brand_account_id text NOT NULL,
          agent_id text NOT NULL,
          text text NOT NULL,
          original_sentiment text NOT NULL,
          original_sentiment_score double precision NOT NULL,
          original_actionability text NOT NULL,
          original_actionability_score double precision NOT NULL,
          model text NOT NULL,
          corrected_sentiment text,
          corrected_actionability text,
          note text,
          corrected_at bigint NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now(),
          CHECK (corrected_sentiment IS NOT NULL OR corrected_actionability IS NOT NULL)
        )`);
      // The export reads in (corrected_at, correction_id) order, a page at a time.
      await client.query(
        `CREATE INDEX IF NOT EXISTS classification_corrections_in_order ON ${this.table} (corrected_at, correction_id COLLATE "C")`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS classification_corrections_by_interaction ON ${this.table} (interaction_id)`);
    });
  }

  async stop(): Promise<void> {
    // The pool is the caller's.
  }

  async record(correction: CorrectionRecord): Promise<boolean> {
    const values = [
      correction.correctionId,
      correction.interactionId,
      correction.messageId,
      correction.brandAccountId,
      correction.agentId,
      correction.text,
      correction.original.sentiment,
      correction.original.sentimentScore,
      correction.original.actionability,
      correction.original.actionabilityScore,
      correction.original.model,
      correction.corrected.sentiment ?? null,
      correction.corrected.actionability ?? null,
      correction.note ?? null,
      correction.correctedAt,
    ];
    const result = await this.pool.query(
      `INSERT INTO ${this.table} (${COLUMNS.join(', ')})
       VALUES (${COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})
       ON CONFLICT (correction_id) DO NOTHING`,
      values,
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(correctionId: string): Promise<CorrectionRecord | null> {
    const result = await this.pool.query<CorrectionRow>(`SELECT ${COLUMNS.join(', ')} FROM ${this.table} WHERE correction_id = $1`, [
      correctionId,
    ]);
    const row = result.rows[0];
    return row ? toRecord(row) : null;
  }

  async list(options: ListCorrectionsOptions = {}): Promise<CorrectionRecord[]> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const after = options.after;
    // Ids compare bytewise (COLLATE "C"), as in the memory adapter, so pages never skip nor repeat a row.
    const result =
      after === undefined
        ? await this.pool.query<CorrectionRow>(
            `SELECT ${COLUMNS.join(', ')} FROM ${this.table} ORDER BY corrected_at, correction_id COLLATE "C" LIMIT $1`,
            [limit],
          )
        : await this.pool.query<CorrectionRow>(
            `SELECT ${COLUMNS.join(', ')} FROM ${this.table}
             WHERE (corrected_at, correction_id COLLATE "C") > ($1::bigint, $2::text COLLATE "C")
             ORDER BY corrected_at, correction_id COLLATE "C" LIMIT $3`,
            [after.correctedAt, after.correctionId, limit],
          );
    return result.rows.map(toRecord);
  }
}

function toRecord(row: CorrectionRow): CorrectionRecord {
  return {
    correctionId: row.correction_id,
    interactionId: row.interaction_id,
    messageId: row.message_id,
    brandAccountId: row.brand_account_id,
    agentId: row.agent_id,
    text: row.text,
    original: {
      sentiment: row.original_sentiment,
      sentimentScore: row.original_sentiment_score,
      actionability: row.original_actionability,
      actionabilityScore: row.original_actionability_score,
      model: row.model,
    },
    corrected: {
      ...(row.corrected_sentiment === null ? {} : { sentiment: row.corrected_sentiment }),
      ...(row.corrected_actionability === null ? {} : { actionability: row.corrected_actionability }),
    },
    ...(row.note === null ? {} : { note: row.note }),
    correctedAt: Number(row.corrected_at),
  };
}
