import { type SqlClient } from '@perch/sql';

import { type OutreachClaim, type OutreachKind, type OutreachLedger, type OutreachOutcome, type OutreachRecord } from './outreach-ledger.port';

export interface SqlOutreachLedgerOptions {
  /** A pg Pool (poolSqlClient) or PGlite (pgliteSqlClient); owned by the caller. */
  sql: SqlClient;
  /** Schema migrated with CONTACTS_MIGRATIONS (table contact_outreach). */
  schema: string;
}

interface OutreachRow {
  agent_id: string;
  idempotency_key: string;
  kind: OutreachKind;
  interaction_id: string;
  fingerprint: string;
  status: 'pending' | 'done' | 'failed';
  outcome: { result?: Record<string, unknown>; failure?: { code: string; message: string } } | null;
  claimed_at: string | number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** OutreachLedger on PostgreSQL (pg or PGlite): the primary key (agent, key) makes the claim atomic across replicas. */
export class SqlOutreachLedger implements OutreachLedger {
  private readonly sql: SqlClient;
  private readonly table: string;

  constructor(options: SqlOutreachLedgerOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}": use lower-case letters, digits and underscores`);
    this.sql = options.sql;
    this.table = `"${options.schema}".contact_outreach`;
  }

  async start(): Promise<void> {
    const [row] = await this.sql.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [this.table]);
    if (!row?.found) throw new Error(`Table ${this.table} is missing: run @perch/contacts' CONTACTS_MIGRATIONS first`);
  }

  async stop(): Promise<void> {
    // The client is the caller's.
  }

  async claim(claim: OutreachClaim): Promise<{ claimed: true } | { claimed: false; existing: OutreachRecord }> {
    const inserted = await this.sql.query<{ agent_id: string }>(
      `INSERT INTO ${this.table} (agent_id, idempotency_key, kind, interaction_id, fingerprint, status, claimed_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6)
       ON CONFLICT (agent_id, idempotency_key) DO NOTHING
       RETURNING agent_id`,
      [claim.agentId, claim.key, claim.kind, claim.interactionId, claim.fingerprint, claim.at],
    );
    if (inserted.length > 0) return { claimed: true };
    const [row] = await this.sql.query<OutreachRow>(`SELECT * FROM ${this.table} WHERE agent_id = $1 AND idempotency_key = $2`, [claim.agentId, claim.key]);
    // Released between the two statements: the key is free again, so this request may take it.
    if (!row) return this.claim(claim);
    return { claimed: false, existing: toRecord(row) };
  }

  async settle(agentId: string, key: string, outcome: OutreachOutcome, at: number): Promise<void> {
    const stored = outcome.status === 'done' ? { result: outcome.result } : { failure: outcome.failure };
    await this.sql.query(
      `UPDATE ${this.table} SET status = $3, outcome = $4::jsonb, settled_at = $5 WHERE agent_id = $1 AND idempotency_key = $2 AND status = 'pending'`,
      [agentId, key, outcome.status, JSON.stringify(stored), at],
    );
  }

  async release(agentId: string, key: string): Promise<void> {
    await this.sql.query(`DELETE FROM ${this.table} WHERE agent_id = $1 AND idempotency_key = $2 AND status = 'pending'`, [agentId, key]);
  }
}

function toRecord(row: OutreachRow): OutreachRecord {
  const claim: OutreachClaim = {
    agentId: row.agent_id,
    key: row.idempotency_key,
    kind: row.kind,
    interactionId: row.interaction_id,
    fingerprint: row.fingerprint,
    at: Number(row.claimed_at),
  };
  if (row.status === 'done') return { ...claim, status: 'done', result: row.outcome?.result ?? {} };
  if (row.status === 'failed') return { ...claim, status: 'failed', failure: row.outcome?.failure ?? { code: 'unknown', message: '' } };
  return { ...claim, status: 'pending' };
}
