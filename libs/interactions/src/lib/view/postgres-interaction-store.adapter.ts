import { createLogger, isSqlRowError, type Logger, WriteCoalescer } from '@perch/platform';
import { poolSqlClient, type SqlClient } from '@perch/sql';
import { type Pool } from 'pg';

import {
  type ConsultationThread,
  type InteractionStore,
  type ListByAgentOptions,
  type ListByCustomerOptions,
  type ListConsultationsOptions,
  type UpsertEntriesOptions,
} from './interaction-store.port';
import {
  type AbandonedWork,
  type AbandonedWorkClosed,
  type ClassificationCorrectionUpdate,
  type ConsultationEntry,
  type InteractionHeaderUpdate,
  type InteractionView,
  type InteractionViewState,
  type TranscriptEntry,
} from './interaction-view.types';
import { combineHeaderUpdates, entryRank, mergeEntry } from './interaction-view.util';

export interface PostgresInteractionStoreOptions {
  /** A PostgreSQL server's pool (apps/gateway); owned by the caller: stop() does not end it. Give this or `sql`. */
  pool?: Pool;
  /** Any SqlClient instead of a pool, e.g. PGlite in the embedded data folder (pgliteSqlClient). */
  sql?: SqlClient;
  /** Schema holding the tables; created if missing. Lets tests and tenants stay apart. */
  schema: string;
  /** How long a write to an idle store may wait for others to share its transaction (default 3 ms). */
  flushIntervalMs?: number;
  /** A pending set this large is flushed at once when no flush is running (default 1,000 rows). */
  maxBatchSize?: number;
  /**
   * Rows waiting for the next flush at most (default 10,000): further writes wait (their promises with them) until a
   * flush takes the pending set, so a slow database slows the consumers instead of filling memory.
   */
  maxPending?: number;
  logger?: Logger;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The writes one flush commits together, and who waits for them. */
interface PendingWrite {
  headers: InteractionHeaderUpdate[];
  entries: { interactionId: string; entry: TranscriptEntry }[];
  waiters: Waiter[];
  /** The interactions written, so a read of another one need not wait for this flush. */
  ids: Set<string>;
  /** Resolves when the flush is over, committed or not. */
  settled: Promise<void>;
  markSettled: () => void;
}

/** A write held back while the pending set is full (backpressure), in arrival order. */
interface WaitingWrite {
  add: (write: PendingWrite) => void;
  count: number;
  interactionId: string;
  waiter: Waiter;
}

interface ViewRow {
  id: string;
  conversation_key: string;
  brand_account_id: string;
  correlation_id: string;
  priority: number;
  state: InteractionViewState;
  agent_id: string | null;
  offer_id: string | null;
  offer_expires_at: string | null;
  first_message: InteractionView['firstMessage'];
  classification: InteractionView['classification'];
  classification_correction: InteractionView['classificationCorrection'];
  completion: InteractionView['completion'];
  created_at: string;
  updated_at: string;
  transcript: { at: number; body: TranscriptEntry }[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * InteractionStore on PostgreSQL. Writes are coalesced and flushed as set-based statements (jsonb_to_recordset,
 * ON CONFLICT), so thousands of events per second cost a few round trips, not one per event. At most one flush is
 * in flight: what arrives meanwhile is merged into the next one, which starts when it commits (so writes land in
 * the order they were made, and a busy database means bigger transactions, not a growing chain of small ones).
 * A writer's promise resolves when the flush holding its write commits, and rejects if that flush fails.
 * The pending set is bounded (maxPending): beyond it, writers wait (issue 12).
 */
export class PostgresInteractionStore implements InteractionStore {
  private readonly sql: SqlClient;
  private readonly schema: string;
  private readonly flushIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly logger: Logger;
  private readonly maxPending: number;
  /** Writes for the next flush. */
  private pending: PendingWrite = emptyWrite();
  private pendingCount = 0;
  /** The one flush being committed, if any. */
  private inFlight: PendingWrite | null = null;
  /** Writes held back while the pending set is full. */
  private readonly waiting: WaitingWrite[] = [];
  private timer: NodeJS.Timeout | null = null;
  /**
   * Agents' own entries (a pending reply, X's answer, a customer's new message before its push): beside the
   * projection's flushes, not behind them, yet coalesced among themselves, one statement in flight (ADR 32).
   */
  private readonly directEntries: WriteCoalescer<{ interactionId: string; entry: TranscriptEntry }, undefined>;

  constructor(options: PostgresInteractionStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) {
      throw new Error(`Invalid schema name "${options.schema}": use lower-case letters, digits and underscores`);
    }
    if (options.sql === undefined && options.pool === undefined) throw new Error('PostgresInteractionStore needs a pool or a sql client');
    this.sql = options.sql ?? poolSqlClient(options.pool as Pool);
    this.schema = `"${options.schema}"`;
    this.flushIntervalMs = options.flushIntervalMs ?? 3;
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    this.maxPending = Math.max(options.maxPending ?? 10_000, 1);
    this.logger = options.logger ?? createLogger('postgres-interaction-store');
    this.directEntries = new WriteCoalescer<{ interactionId: string; entry: TranscriptEntry }, undefined>(
      async (rows) => {
        await this.writeEntries(this.sql, rows);
        return rows.map(() => undefined);
      },
      { isItemError: isSqlRowError },
    );
  }

  async start(): Promise<void> {
    await this.sql.transaction(async (client) => {
      // Replicas start together; the lock keeps concurrent CREATE ... IF NOT EXISTS from colliding.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`perch-interactions:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.schema}.interactions (
          id text PRIMARY KEY,
          conversation_key text NOT NULL,
          brand_account_id text NOT NULL,
          correlation_id text NOT NULL,
          priority integer NOT NULL,
          state text NOT NULL,
          agent_id text,
          offer_id text,
          offer_expires_at text,
          first_message jsonb,
          classification jsonb,
          classification_correction jsonb,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL
        )`);
      // Migration: tables created before agents could correct labels gain the column (a no-op otherwise).
      await client.query(`ALTER TABLE ${this.schema}.interactions ADD COLUMN IF NOT EXISTS classification_correction jsonb`);
      // Migration: the disposition and note of done, once dropped, are kept from now on.
      await client.query(`ALTER TABLE ${this.schema}.interactions ADD COLUMN IF NOT EXISTS completion jsonb`);
      await client.query(
        `CREATE INDEX IF NOT EXISTS interactions_by_agent ON ${this.schema}.interactions (agent_id, updated_at DESC) WHERE agent_id IS NOT NULL`,
      );
      // A customer's earlier interactions (listByCustomer): by their first message's author.
      await client.query(
        `CREATE INDEX IF NOT EXISTS interactions_by_author ON ${this.schema}.interactions ((first_message->'author'->>'id'), created_at DESC)`,
      );
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.schema}.transcript_entries (
          interaction_id text NOT NULL,
          entry_id text NOT NULL,
          at bigint NOT NULL,
          rank smallint NOT NULL,
          body jsonb NOT NULL,
          PRIMARY KEY (interaction_id, entry_id)
        )`);
      // The consultations addressed to an agent (listConsultations), without scanning every transcript.
      await client.query(
        `CREATE INDEX IF NOT EXISTS transcript_consulted ON ${this.schema}.transcript_entries ((body->>'withAgentId')) WHERE body->>'kind' = 'consultation'`,
      );
    });
  }

  async stop(): Promise<void> {
    await this.settleAll();
  }

  applyHeader(update: InteractionHeaderUpdate): Promise<void> {
    return this.enqueue((write) => write.headers.push(update), 1, update.interactionId);
  }

  async upsertEntries(interactionId: string, entries: readonly TranscriptEntry[], options: UpsertEntriesOptions = {}): Promise<void> {
    if (entries.length === 0) return;
    // Its own lane: a request waiting on it does not queue behind the projection's flushes.
    if (options.direct === true) {
      await Promise.all(entries.map((entry) => this.directEntries.submit({ interactionId, entry })));
      return;
    }
    return this.enqueue(
      (write) => {
        for (const entry of entries) write.entries.push({ interactionId, entry });
      },
      entries.length,
      interactionId,
    );
  }

  async applyClassificationCorrection(update: ClassificationCorrectionUpdate): Promise<boolean> {
    // Rare, so not batched; settling first means the header this process just queued is there to update.
    await this.settle(update.interactionId);
    // The merge rule of mergeClassificationCorrection in SQL: `a || b` keeps b's value for keys both have,
    // so the later correction (by at, then id) goes on the right.
    const updated = await this.sql.query<{ id: string }>(
      `UPDATE ${this.schema}.interactions AS t SET classification_correction = CASE
         WHEN t.classification_correction IS NULL THEN $3::jsonb
         WHEN (($3::jsonb->>'at')::bigint, ($3::jsonb->>'correctionId') COLLATE "C")
            > ((t.classification_correction->>'at')::bigint, (t.classification_correction->>'correctionId') COLLATE "C")
           THEN t.classification_correction || $3::jsonb
         ELSE $3::jsonb || t.classification_correction
       END
       WHERE t.id = $1 AND t.first_message->>'messageId' = $2
       RETURNING t.id`,
      [update.interactionId, update.messageId, JSON.stringify(update.correction)],
    );
    if (updated.length > 0) return true;
    const known = await this.sql.query<{ id: string }>(`SELECT id FROM ${this.schema}.interactions WHERE id = $1`, [update.interactionId]);
    return known.length > 0;
  }

  async get(interactionId: string): Promise<InteractionView | null> {
    // Only this interaction's own writes are waited for: a read for an agent's request never queues behind others'.
    await this.settle(interactionId);
    const result = await this.rows<ViewRow>(`${this.selectViews()} WHERE i.id = $1`, [interactionId]);
    const row = result.rows[0];
    return row ? toView(row) : null;
  }

  async listByAgent(agentId: string, options: ListByAgentOptions = {}): Promise<InteractionView[]> {
    await this.settle();
    const result = await this.rows<ViewRow>(
      `${this.selectViews()} WHERE i.agent_id = $1 AND ($2::boolean OR i.state <> 'completed')
       ORDER BY i.updated_at DESC, i.id COLLATE "C" LIMIT $3`,
      [agentId, options.includeCompleted === true, options.limit ?? 50],
    );
    return result.rows.map(toView);
  }

  async listByCustomer(authorId: string, options: ListByCustomerOptions = {}): Promise<InteractionView[]> {
    await this.settle();
    const result = await this.rows<ViewRow>(
      `${this.selectViews()} WHERE i.first_message->'author'->>'id' = $1
         AND ($2::text[] IS NULL OR i.brand_account_id = ANY($2::text[]))
         AND ($3::text IS NULL OR i.id <> $3)
         AND ($4::bigint IS NULL OR (i.created_at, i.id COLLATE "C") < ($4::bigint, $5::text COLLATE "C"))
       ORDER BY i.created_at DESC, i.id COLLATE "C" DESC LIMIT $6`,
      [
        authorId,
        options.brandAccountIds === undefined ? null : [...options.brandAccountIds],
        options.excludeId ?? null,
        options.before?.createdAt ?? null,
        options.before?.id ?? null,
        options.limit ?? 20,
      ],
    );
    return result.rows.map(toView);
  }

  async listConsultations(agentId: string, options: ListConsultationsOptions = {}): Promise<ConsultationThread[]> {
    await this.settle();
    const mine = `e.body->>'kind' = 'consultation' AND (e.body->>'withAgentId' = $1 OR e.body->>'fromAgentId' = $1)`;
    const result = await this.rows<ViewRow & { latest_at: string }>(
      `WITH consulted AS (
         SELECT DISTINCT e.interaction_id FROM ${this.schema}.transcript_entries e
         WHERE e.body->>'kind' = 'consultation' AND e.body->>'withAgentId' = $1
       ), threads AS (
         SELECT e.interaction_id, max(e.at) AS latest_at
         FROM ${this.schema}.transcript_entries e JOIN consulted c ON c.interaction_id = e.interaction_id
         WHERE ${mine}
         GROUP BY e.interaction_id
       )
       SELECT i.*, t.latest_at, COALESCE((
           SELECT json_agg(json_build_object('at', e.at, 'body', e.body) ORDER BY e.at DESC, e.entry_id COLLATE "C" DESC)
           FROM ${this.schema}.transcript_entries e WHERE e.interaction_id = i.id AND ${mine}
         ), '[]'::json) AS transcript
       FROM threads t JOIN ${this.schema}.interactions i ON i.id = t.interaction_id
       WHERE i.state <> 'completed'
         AND ($2::bigint IS NULL OR (t.latest_at, i.id COLLATE "C") < ($2::bigint, $3::text COLLATE "C"))
       ORDER BY t.latest_at DESC, i.id COLLATE "C" DESC LIMIT $4`,
      [agentId, options.before?.latestAt ?? null, options.before?.id ?? null, options.limit ?? 20],
    );
    return result.rows.map((row) => {
      const { transcript, ...interaction } = toView(row);
      // Only consultation entries were selected for this column.
      const consultations = transcript.filter((entry): entry is ConsultationEntry => entry.kind === 'consultation');
      return { interaction, consultations, latestAt: Number(row.latest_at) };
    });
  }

  async abandonUnfinished(work: AbandonedWork): Promise<AbandonedWorkClosed> {
    await this.settleAll();
    // abandonView and abandonEntry in SQL. SET reads the row as it was, so `state = 'active'` is the old state.
    return this.sql.transaction(async (client) => {
      const closed = await client.query<{ id: string }>(
        `UPDATE ${this.schema}.interactions SET state = 'completed',
           agent_id = CASE WHEN state = 'active' THEN agent_id ELSE NULL END,
           offer_id = NULL, offer_expires_at = NULL, completion = $2::jsonb, updated_at = GREATEST(updated_at, $1::bigint)
         WHERE state <> 'completed' RETURNING id`,
        [work.at, JSON.stringify({ agentId: null, at: work.at, note: work.note })],
      );
      const failed = await client.query<{ entry_id: string }>(
        `UPDATE ${this.schema}.transcript_entries SET rank = 1,
           body = (body - 'retryAt') || jsonb_build_object('status', 'failed', 'failure', $1::jsonb, 'completedAt', $2::bigint)
         WHERE body->>'kind' = 'agent-action' AND body->>'status' IN ('pending', 'waiting') RETURNING entry_id`,
        [JSON.stringify(work.failure), work.at],
      );
      return { interactionIds: closed.map((row) => row.id).sort(), actions: failed.length };
    });
  }

  /** Resolves once every write made so far is committed, including those held back by the bound. */
  private async settleAll(): Promise<void> {
    await this.directEntries.drain();
    while (this.inFlight !== null || this.pending.waiters.length > 0 || this.waiting.length > 0) await this.settle();
  }

  /** A SELECT's rows, shaped as pg's result so the readers stay as they were. */
  private async rows<R extends object>(text: string, params: readonly unknown[]): Promise<{ rows: R[] }> {
    return { rows: await this.sql.query<R>(text, params) };
  }

  private selectViews(): string {
    // Entry ids compare bytewise (COLLATE "C") so ties sort as in the memory adapter.
    return `SELECT i.*, COALESCE((
        SELECT json_agg(json_build_object('at', e.at, 'body', e.body) ORDER BY e.at, e.entry_id COLLATE "C")
        FROM ${this.schema}.transcript_entries e WHERE e.interaction_id = i.id
      ), '[]'::json) AS transcript
      FROM ${this.schema}.interactions i`;
  }

  private enqueue(add: (write: PendingWrite) => void, count: number, interactionId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ add, count, interactionId, waiter: { resolve, reject } });
      this.admit();
    });
  }

  /**
   * Moves waiting writes into the pending set while it has room, oldest first (so one interaction's writes keep
   * their order), and makes sure a flush will take them.
   */
  private admit(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as WaitingWrite;
      // A write larger than the bound still goes, alone: the bound is on memory, not on what a caller may write.
      if (this.pendingCount > 0 && this.pendingCount + next.count > this.maxPending) break;
      this.waiting.shift();
      next.add(this.pending);
      this.pending.ids.add(next.interactionId);
      this.pending.waiters.push(next.waiter);
      this.pendingCount += next.count;
    }
    if (this.pending.waiters.length === 0 || this.inFlight !== null) return;
    this.flushSoon(this.pendingCount >= this.maxBatchSize || this.waiting.length > 0 ? 0 : this.flushIntervalMs);
  }

  private flushSoon(delayMs: number): void {
    if (this.timer !== null) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delayMs);
  }

  /**
   * Resolves once the writes made so far are committed (or failed: their writers hear it): reads see this process's
   * own writes. With an interaction id, only the flush holding writes of that interaction is waited for.
   */
  private async settle(interactionId?: string): Promise<void> {
    const holds = (write: PendingWrite | null): write is PendingWrite =>
      write !== null && write.waiters.length > 0 && (interactionId === undefined || write.ids.has(interactionId));
    // The pending set commits after the flush in flight, so waiting for it covers both.
    const target = holds(this.pending) ? this.pending : holds(this.inFlight) ? this.inFlight : null;
    if (target === null) return;
    if (target === this.pending && this.inFlight === null) this.flushSoon(0);
    await target.settled;
  }

  /** Starts the one flush: everything pending goes into one transaction; what arrives meanwhile waits for the next. */
  private flush(): void {
    if (this.inFlight !== null || this.pending.waiters.length === 0) return;
    const write = this.pending;
    this.pending = emptyWrite();
    this.pendingCount = 0;
    this.inFlight = write;
    // Room freed: writers held back by the bound join the next flush.
    this.admit();
    void this.commit(write).finally(() => {
      this.inFlight = null;
      write.markSettled();
      // What arrived during this flush has waited already: it goes at once, merged into one transaction.
      if (this.pending.waiters.length > 0) {
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        this.flush();
      }
    });
  }

  private async commit(write: PendingWrite): Promise<void> {
    try {
      await this.sql.transaction(async (client) => {
        await this.writeHeaders(client, write.headers);
        await this.writeEntries(client, write.entries);
      });
      for (const waiter of write.waiters) waiter.resolve();
    } catch (error) {
      // Exactly this flush's writers are told; their events are redelivered, and later flushes go on.
      this.logger.warn({ err: error, writes: write.waiters.length }, 'interaction store flush failed');
      for (const waiter of write.waiters) waiter.reject(error);
    }
  }

  private async writeHeaders(client: SqlClient, headers: readonly InteractionHeaderUpdate[]): Promise<void> {
    if (headers.length === 0) return;
    // ON CONFLICT cannot touch a row twice in one statement: one combined update per interaction.
    const byId = new Map<string, InteractionHeaderUpdate>();
    for (const update of headers) {
      const previous = byId.get(update.interactionId);
      byId.set(update.interactionId, previous ? combineHeaderUpdates(previous, update) : update);
    }
    // Which columns an update touches varies; grouping by shape keeps each statement's SET fixed.
    const groups = new Map<string, InteractionHeaderUpdate[]>();
    for (const update of [...byId.values()].sort(byInteractionId)) {
      const shape = `${update.state !== undefined}:${update.assignment !== undefined}`;
      const group = groups.get(shape);
      if (group) group.push(update);
      else groups.set(shape, [update]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (!first) continue;
      await client.query(this.headerStatement(first.state !== undefined, first.assignment !== undefined), headerColumns(group));
    }
  }

  private headerStatement(setsState: boolean, setsAssignment: boolean): string {
    const keepIfCompleted = (column: string): string =>
      `${column} = CASE WHEN t.state = 'completed' THEN t.${column} ELSE EXCLUDED.${column} END`;
    const sets = [
      'conversation_key = EXCLUDED.conversation_key',
      'brand_account_id = EXCLUDED.brand_account_id',
      'priority = EXCLUDED.priority',
      ...(setsState ? [keepIfCompleted('state')] : []),
      ...(setsAssignment ? ['agent_id', 'offer_id', 'offer_expires_at'].map(keepIfCompleted) : []),
      'first_message = COALESCE(t.first_message, EXCLUDED.first_message)',
      'classification = COALESCE(t.classification, EXCLUDED.classification)',
      'completion = COALESCE(t.completion, EXCLUDED.completion)',
      'created_at = LEAST(t.created_at, EXCLUDED.created_at)',
      'updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)',
    ];
    return `
      INSERT INTO ${this.schema}.interactions AS t
        (id, conversation_key, brand_account_id, correlation_id, priority, state, agent_id, offer_id,
         offer_expires_at, first_message, classification, completion, created_at, updated_at)
      SELECT id, conversation_key, brand_account_id, correlation_id, priority, state, agent_id, offer_id,
             offer_expires_at, first_message, classification, completion, at, at
      FROM jsonb_to_recordset($1::jsonb)
        AS u(id text, conversation_key text, brand_account_id text, correlation_id text, priority int, state text,
             agent_id text, offer_id text, offer_expires_at text, first_message jsonb, classification jsonb, at bigint,
             completion jsonb)
      ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`;
  }

  private async writeEntries(
    client: SqlClient,
    entries: readonly EntryOfInteraction[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const byKey = new Map<string, EntryOfInteraction>();
    for (const item of entries) {
      const key = `${item.interactionId}\u0000${item.entry.entryId}`;
      const previous = byKey.get(key);
      byKey.set(key, { interactionId: item.interactionId, entry: mergeEntry(previous?.entry, item.entry) });
    }
    // In key order: two big transactions (replicas) touching the same rows lock them in the same order, never a cycle.
    const rows = [...byKey.entries()].sort(byEntryKey).map(entryRow);
    // A final entry (sent, failed, customer message) is never replaced by a pending one; the stored
    // ordering key stays so a confirmed reply keeps its place in the transcript.
    await client.query(
      `INSERT INTO ${this.schema}.transcript_entries AS t (interaction_id, entry_id, at, rank, body)
       SELECT interaction_id, entry_id, at, rank, body
       FROM jsonb_to_recordset($1::jsonb) AS u(interaction_id text, entry_id text, at bigint, rank smallint, body jsonb)
       ON CONFLICT (interaction_id, entry_id) DO UPDATE SET rank = EXCLUDED.rank, body = EXCLUDED.body
       WHERE EXCLUDED.rank >= t.rank`,
      [
        rowsAsJson(
          rows.map((row) => ({
            interaction_id: row.interactionId,
            entry_id: row.entry.entryId,
            at: row.entry.at,
            rank: entryRank(row.entry),
            body: row.entry,
          })),
        ),
      ],
    );
  }
}

function emptyWrite(): PendingWrite {
  let markSettled: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    markSettled = resolve;
  });
  return { headers: [], entries: [], waiters: [], ids: new Set(), settled, markSettled };
}

/**
 * The rows of one statement as ONE JSON parameter, read back by jsonb_to_recordset: a single native JSON.stringify
 * instead of pg escaping every element of thirteen arrays (2 % of the gateway's CPU under bench:e2e, ADR 32). An
 * absent value is left out of its object (SQL NULL), never a JSON null, which a jsonb column would keep as 'null'.
 */
function rowsAsJson(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

function headerColumns(group: readonly InteractionHeaderUpdate[]): unknown[] {
  return [
    rowsAsJson(
      group.map((u) => ({
        id: u.interactionId,
        conversation_key: u.conversationKey,
        brand_account_id: u.brandAccountId,
        correlation_id: u.correlationId,
        priority: u.priority,
        // A new interaction without a state of its own starts as 'created', as in applyHeaderUpdate.
        state: u.state ?? 'created',
        agent_id: u.assignment?.agentId ?? undefined,
        offer_id: u.assignment?.offerId ?? undefined,
        offer_expires_at: u.assignment?.offerExpiresAt ?? undefined,
        first_message: u.firstMessage,
        classification: u.classification,
        at: u.at,
        completion: u.completion,
      })),
    ),
  ];
}

function toView(row: ViewRow): InteractionView {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    brandAccountId: row.brand_account_id,
    correlationId: row.correlation_id,
    priority: row.priority,
    state: row.state,
    agentId: row.agent_id,
    offerId: row.offer_id,
    offerExpiresAt: row.offer_expires_at,
    firstMessage: row.first_message,
    classification: row.classification,
    classificationCorrection: row.classification_correction,
    completion: row.completion ?? null,
    // The column is the ordering key; a merged entry keeps the first one it was given.
    transcript: row.transcript.map(({ at, body }) => ({ ...body, at: Number(at) })),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

interface EntryOfInteraction {
  interactionId: string;
  entry: TranscriptEntry;
}

// Module-level comparators, not arrows made per flush: a closure made per call loses its optimized code at every
// major GC (ADR 49).
function byInteractionId(a: InteractionHeaderUpdate, b: InteractionHeaderUpdate): number {
  return a.interactionId < b.interactionId ? -1 : a.interactionId > b.interactionId ? 1 : 0;
}

function byEntryKey([a]: [string, EntryOfInteraction], [b]: [string, EntryOfInteraction]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function entryRow([, row]: [string, EntryOfInteraction]): EntryOfInteraction {
  return row;
}
