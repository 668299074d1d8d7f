import { newId } from '@perch/platform';

import {
  type AuditAction,
  type AuditActorKind,
  type AuditDetails,
  type AuditEntry,
  type AuditOutcome,
  type AuditPage,
  type AuditQuery,
  type NewAuditEntry,
} from './audit-entry.types';
import { type AuditLog } from './audit-log.port';
import { encodeAuditCursor, normalizeAuditTime, resolveAuditQuery } from './audit-query.util';
import { type SqlClient } from '@perch/sql';

export interface SqlAuditLogOptions {
  /** A pg Pool (poolSqlClient) or a PGlite database (pgliteSqlClient); owned by the caller. */
  sql: SqlClient;
  /** Schema holding the table; created if missing (the gateway uses its interaction store's). */
  schema: string;
  /** Time for entries appended without `at`. */
  now?: () => number;
}

interface AuditRow {
  id: string;
  at: Date | string;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  actor_role: string | null;
  action: AuditAction;
  interaction_id: string | null;
  brand_account_id: string | null;
  outcome: AuditOutcome;
  code: string | null;
  details: AuditDetails | string;
  correlation_id: string | null;
  address: string | null;
  source_key: string | null;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const COLUMNS = [
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'actor_role',
  'action',
  'interaction_id',
  'brand_account_id',
  'outcome',
  'code',
  'details',
  'correlation_id',
  'address',
  'source_key',
] as const;
/** Each column's type, as jsonb_to_recordset reads the rows of an append back. */
const COLUMN_TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text',
  at: 'timestamptz',
  actor_kind: 'text',
  actor_id: 'text',
  actor_role: 'text',
  action: 'text',
  interaction_id: 'text',
  brand_account_id: 'text',
  outcome: 'text',
  code: 'text',
  details: 'jsonb',
  correlation_id: 'text',
  address: 'text',
  source_key: 'text',
};
/** Rows per INSERT: one JSON parameter each, so the bound is the statement's size, not PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 1000;

/**
 * AuditLog on PostgreSQL (a server through pg, or PGlite in the embedded mode): table `audit_log`, one row per
 * entry. The database itself keeps it append-only: a trigger raises on UPDATE, DELETE and TRUNCATE, and those
 * privileges are revoked from PUBLIC and from the owner (a superuser still bypasses privileges, not the trigger).
 */
export class SqlAuditLog implements AuditLog {
  private readonly sql: SqlClient;
  private readonly schema: string;
  private readonly table: string;
  private readonly now: () => number;
  private readonly appendStatement: string;

  constructor(options: SqlAuditLogOptions) {
    if (!SCHEMA_NAME.test(options.schema)) {
      throw new Error(`Invalid schema name "${options.schema}": use lower-case letters, digits and underscores`);
    }
    this.sql = options.sql;
    this.schema = `"${options.schema}"`;
    this.table = `${this.schema}.audit_log`;
    this.now = options.now ?? Date.now;
    this.appendStatement =
      `INSERT INTO ${this.table} (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')} ` +
      `FROM jsonb_to_recordset($1::jsonb) AS u(${COLUMNS.map((column) => `${column} ${COLUMN_TYPES[column]}`).join(', ')}) ` +
      'ON CONFLICT DO NOTHING RETURNING id';
  }

  async start(): Promise<void> {
    // One script, one transaction; the advisory lock keeps replicas starting together from colliding.
    await this.sql.script(`
      SELECT pg_advisory_xact_lock(hashtext('perch-audit:${this.schema}'));
      CREATE SCHEMA IF NOT EXISTS ${this.schema};
      CREATE TABLE IF NOT EXISTS ${this.table} (
        id text PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('agent', 'anonymous', 'system')),
        actor_id text,
        actor_role text,
        action text NOT NULL,
        interaction_id text,
        brand_account_id text,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'refused', 'failed')),
        code text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        correlation_id text,
        address text,
        source_key text UNIQUE,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS audit_log_in_order ON ${this.table} (at, id COLLATE "C");
      CREATE INDEX IF NOT EXISTS audit_log_by_actor ON ${this.table} (actor_id, at);
      CREATE INDEX IF NOT EXISTS audit_log_by_interaction ON ${this.table} (interaction_id, at) WHERE interaction_id IS NOT NULL;
      CREATE OR REPLACE FUNCTION ${this.schema}.audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ${this.table}
        FOR EACH ROW EXECUTE FUNCTION ${this.schema}.audit_log_refuse_change();
      CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${this.table}
        FOR EACH STATEMENT EXECUTE FUNCTION ${this.schema}.audit_log_refuse_change();
      REVOKE UPDATE, DELETE, TRUNCATE ON ${this.table} FROM PUBLIC, CURRENT_USER;
    `);
  }

  async stop(): Promise<void> {
    // The pool or database is the caller's.
  }

  async append(entry: NewAuditEntry): Promise<boolean> {
    return (await this.appendEach([entry]))[0] === true;
  }

  async appendMany(entries: readonly NewAuditEntry[]): Promise<number> {
    return (await this.appendEach(entries)).filter(Boolean).length;
  }

  async appendEach(entries: readonly NewAuditEntry[]): Promise<boolean[]> {
    // Loops, not arrows made per call: a closure made per call loses its optimized code at every major GC (ADR 49).
    const ids: string[] = [];
    for (const entry of entries) ids.push(entry.id ?? newId());
    const inserted = new Set<string>();
    for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
      const rows: Partial<Record<(typeof COLUMNS)[number], unknown>>[] = [];
      for (let index = start; index < Math.min(entries.length, start + ROWS_PER_INSERT); index += 1) {
        rows.push(this.row(entries[index] as NewAuditEntry, ids[index] as string));
      }
      // The rows as ONE JSON parameter read back by jsonb_to_recordset, in order: one native JSON.stringify and one
      // statement text for every append, instead of pg encoding 14 parameters a row into a text that changed with
      // the row count (as the interaction store's writes do, ADR 32).
      // No conflict target: a kept id or a kept source_key both make the row a duplicate, as does a row earlier in
      // the same statement (DO NOTHING skips it; only DO UPDATE would refuse to touch a row twice).
      const returned = await this.sql.query<{ id: string }>(this.appendStatement, [JSON.stringify(rows)]);
      for (const row of returned) inserted.add(row.id);
    }
    // The same id twice in one call: the first is the one kept.
    const seen = new Set<string>();
    const kept: boolean[] = [];
    for (const id of ids) {
      kept.push(inserted.has(id) && !seen.has(id));
      seen.add(id);
    }
    return kept;
  }

  async query(query: AuditQuery = {}): Promise<AuditPage> {
    const resolved = resolveAuditQuery(query);
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (resolved.actor !== undefined) where.push(`actor_id = ${param(resolved.actor)}`);
    if (resolved.action !== undefined) where.push(`action = ${param(resolved.action)}`);
    if (resolved.interactionId !== undefined) where.push(`interaction_id = ${param(resolved.interactionId)}`);
    if (resolved.fromMs !== undefined) where.push(`at >= ${param(new Date(resolved.fromMs).toISOString())}::timestamptz`);
    if (resolved.toMs !== undefined) where.push(`at < ${param(new Date(resolved.toMs).toISOString())}::timestamptz`);
    const direction = resolved.order === 'asc' ? 'ASC' : 'DESC';
    if (resolved.after) {
      // Ids compare bytewise (COLLATE "C"), as in the memory adapter, so pages never skip nor repeat an entry.
      where.push(
        `(at, id COLLATE "C") ${resolved.order === 'asc' ? '>' : '<'} (${param(resolved.after.at)}::timestamptz, ${param(resolved.after.id)}::text COLLATE "C")`,
      );
    }
    // One more than asked: whether a next page exists is known without another query.
    const rows = await this.sql.query<AuditRow>(
      `SELECT ${COLUMNS.join(', ')} FROM ${this.table}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at ${direction}, id COLLATE "C" ${direction} LIMIT ${param(resolved.limit + 1)}`,
      params,
    );
    const entries = rows.slice(0, resolved.limit).map(toEntry);
    const last = entries[entries.length - 1];
    return { entries, nextCursor: rows.length > resolved.limit && last ? encodeAuditCursor(last) : null };
  }

  /** One row of an append, as jsonb_to_recordset reads it: an absent value is left out (SQL NULL). */
  private row(entry: NewAuditEntry, id: string): Partial<Record<(typeof COLUMNS)[number], unknown>> {
    return {
      id,
      at: normalizeAuditTime(entry.at ?? this.now()),
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_role: entry.actor.role,
      action: entry.action,
      interaction_id: entry.interactionId,
      brand_account_id: entry.brandAccountId,
      outcome: entry.outcome,
      code: entry.code,
      details: entry.details ?? {},
      correlation_id: entry.correlationId,
      address: entry.address,
      source_key: entry.sourceKey,
    };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: normalizeAuditTime(row.at),
    actor: {
      kind: row.actor_kind,
      ...(row.actor_id === null ? {} : { id: row.actor_id }),
      ...(row.actor_role === null ? {} : { role: row.actor_role }),
    },
    action: row.action,
    ...(row.interaction_id === null ? {} : { interactionId: row.interaction_id }),
    ...(row.brand_account_id === null ? {} : { brandAccountId: row.brand_account_id }),
    outcome: row.outcome,
    ...(row.code === null ? {} : { code: row.code }),
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as AuditDetails) : row.details,
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    ...(row.address === null ? {} : { address: row.address }),
    ...(row.source_key === null ? {} : { sourceKey: row.source_key }),
  };
}
