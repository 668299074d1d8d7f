import { type AuditEntry, type AuditPage, type AuditQuery, type NewAuditEntry } from './audit-entry.types';

/**
 * The audit trail: append-only (no update, no delete), idempotent on an entry's sourceKey (and id), read in
 * keyset pages or streamed whole. Contract: testing/audit-log.contract.ts.
 */
export interface AuditLog {
  /** Creates what the adapter needs (idempotent); call once before use. */
  start(): Promise<void>;
  /** Releases what the adapter owns (never a pool or database handed to it). */
  stop(): Promise<void>;
  /** Keeps the entry; resolves false (and keeps nothing) when its sourceKey or id is already kept. */
  append(entry: NewAuditEntry): Promise<boolean>;
  /** As append, for many at once (one round trip); resolves how many were new. */
  appendMany(entries: readonly NewAuditEntry[]): Promise<number>;
  /**
   * As appendMany, resolving for each entry (in order) whether it was kept: an entry whose id or sourceKey is
   * already kept, or appears earlier in the same call, is not.
   */
  appendEach(entries: readonly NewAuditEntry[]): Promise<boolean[]>;
  /** One page in (at, id) order; a bad filter or cursor is a ValidationFailedError. */
  query(query?: AuditQuery): Promise<AuditPage>;
}

export interface StreamAuditOptions {
  /** Entries read per query. Default 500. */
  pageSize?: number;
}

/**
 * Every entry matching the query (cursor and limit ignored), page by page, so memory stays flat whatever the
 * log's size. Entries appended during the stream are included if they sort after the current page.
 */
export async function* streamAuditEntries(
  log: AuditLog,
  query: Omit<AuditQuery, 'cursor' | 'limit'> = {},
  options: StreamAuditOptions = {},
): AsyncGenerator<AuditEntry, void, undefined> {
  const limit = options.pageSize ?? 500;
  let cursor: string | undefined;
  for (;;) {
    const page = await log.query({ ...query, limit, ...(cursor === undefined ? {} : { cursor }) });
    yield* page.entries;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** The export format: one AuditEntry as JSON and a newline per entry, oldest first. */
export async function* exportAuditAsJsonLines(
  log: AuditLog,
  query: Omit<AuditQuery, 'cursor' | 'limit' | 'order'> = {},
  options: StreamAuditOptions = {},
): AsyncGenerator<string, void, undefined> {
  for await (const entry of streamAuditEntries(log, { ...query, order: 'asc' }, options)) yield `${JSON.stringify(entry)}\n`;
}
