import { isSqlRowError, newId, WriteCoalescer } from '@perch/platform';

import { type AuditPage, type AuditQuery, type NewAuditEntry } from './audit-entry.types';
import { type AuditLog } from './audit-log.port';

export interface CoalescingAuditLogOptions {
  /** Entries written in one round trip at most. Default 500. */
  maxBatch?: number;
}

/**
 * An AuditLog whose appends are coalesced (WriteCoalescer): one multi-row INSERT in flight at a time, and what is
 * appended meanwhile goes out together in the next one. Each append still resolves only once its own entry is
 * committed (or refused), so a caller that awaited it knows the entry is kept. Every routing decision, effect on X
 * and agent action was its own INSERT and transaction, most of PostgreSQL's work per handled tweet (ADR 30). One
 * entry the database refuses for its data (a NUL in a text, a bad time) fails alone.
 */
export class CoalescingAuditLog implements AuditLog {
  private readonly writes: WriteCoalescer<NewAuditEntry, boolean>;

  constructor(
    private readonly inner: AuditLog,
    options: CoalescingAuditLogOptions = {},
  ) {
    this.writes = new WriteCoalescer((entries) => inner.appendEach(entries), { ...options, isItemError: isSqlRowError });
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  /** Writes what was appended before it, then stops the log underneath. */
  async stop(): Promise<void> {
    await this.writes.drain();
    await this.inner.stop();
  }

  append(entry: NewAuditEntry): Promise<boolean> {
    // Its id is fixed here: a caller retrying after a lost answer appends the same row, not a second one.
    return this.writes.submit(entry.id === undefined ? { ...entry, id: newId() } : entry);
  }

  async appendMany(entries: readonly NewAuditEntry[]): Promise<number> {
    return (await this.appendEach(entries)).filter(Boolean).length;
  }

  appendEach(entries: readonly NewAuditEntry[]): Promise<boolean[]> {
    return Promise.all(entries.map((entry) => this.append(entry)));
  }

  query(query?: AuditQuery): Promise<AuditPage> {
    return this.inner.query(query);
  }
}
