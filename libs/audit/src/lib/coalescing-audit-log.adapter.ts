import { newId } from '@perch/platform';

import { type AuditPage, type AuditQuery, type NewAuditEntry } from './audit-entry.types';
import { type AuditLog } from './audit-log.port';

export interface CoalescingAuditLogOptions {
  /** Entries written in one round trip at most. Default 500. */
  maxBatch?: number;
}

interface PendingAppend {
  entry: NewAuditEntry;
  resolve: (kept: boolean) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 500;

/**
 * An AuditLog whose appends are coalesced: one write in flight at a time, and what is appended meanwhile goes out
 * together in the next one. Each append still resolves only once its own entry is committed (or refused), so a
 * caller that awaited it knows the entry is kept. Every routing decision, effect on X and agent action was its own
 * INSERT and transaction, most of PostgreSQL's work per handled tweet (ADR 30).
 */
export class CoalescingAuditLog implements AuditLog {
  private readonly maxBatch: number;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly inner: AuditLog,
    options: CoalescingAuditLogOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  /** Writes what was appended before it, then stops the log underneath. */
  async stop(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.inner.stop();
  }

  append(entry: NewAuditEntry): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      // Its id is fixed here: a caller retrying after a lost answer appends the same row, not a second one.
      this.queue.push({ entry: entry.id === undefined ? { ...entry, id: newId() } : entry, resolve, reject });
      this.kick();
    });
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

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    // One turn of the event loop lets the appends of the same batch of events or requests join the first write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.write(batch);
    }
  }

  private async write(batch: readonly PendingAppend[]): Promise<void> {
    try {
      const kept = await this.inner.appendEach(batch.map((pending) => pending.entry));
      batch.forEach((pending, index) => pending.resolve(kept[index] === true));
    } catch (error) {
      // One entry the database refuses (a bad time, a NUL in a text) must not cost the others theirs: halve until it
      // is alone. Anything else (the database gone) is every entry's answer.
      if (batch.length > 1 && isEntryError(error)) {
        const half = Math.ceil(batch.length / 2);
        await this.write(batch.slice(0, half));
        await this.write(batch.slice(half));
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  }
}

/** Errors caused by what an entry holds rather than by the database: a data exception or integrity violation (SQLSTATE 22, 23), or a value that cannot be encoded. */
function isEntryError(error: unknown): boolean {
  if (error instanceof RangeError || error instanceof TypeError) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
