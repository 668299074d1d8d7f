import { randomUUID } from 'node:crypto';

import { backoffDelay, createLogger, type Logger } from '@perch/platform';

import { type NewAuditEntry } from './audit-entry.types';
import { type AuditLog } from './audit-log.port';

/** How long an entry the database refused is tried again in the background: past a PostgreSQL failover. */
export const AUDIT_RETRY_FOR_MS = 10 * 60 * 1000;

/**
 * Appends entries for callers that cannot wait out an outage (an answer that must go out, the action having
 * already happened): the first try is awaited; an entry the database refuses gets a fixed id (so a retry cannot
 * double it) and is tried again in the background with jittered backoff for AUDIT_RETRY_FOR_MS. Only a crash of
 * this process during the outage, or an outage longer than that, loses it, and then it is in the error log whole.
 */
export class RetryingAuditWriter {
  private readonly pending = new Map<string, { entry: NewAuditEntry; attempt: number; since: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: AuditLog,
    private readonly logger: Logger = createLogger('audit-writer'),
  ) {}

  /** Entries waiting for the database to come back. */
  get waiting(): number {
    return this.pending.size;
  }

  async append(entry: NewAuditEntry): Promise<void> {
    const kept: NewAuditEntry = entry.id === undefined ? { ...entry, id: randomUUID() } : entry;
    try {
      await this.log.append(kept);
    } catch (error) {
      this.logger.warn({ err: error, auditId: kept.id }, 'audit entry not written yet; trying again in the background');
      this.pending.set(kept.id ?? randomUUID(), { entry: kept, attempt: 1, since: Date.now() });
      this.schedule();
    }
  }

  /** One last try for what still waits; what fails now is only in the error log. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.retryPending(true);
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    const attempt = Math.min(...[...this.pending.values()].map((p) => p.attempt));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retryPending(false).finally(() => this.schedule());
    }, backoffDelay({ attempt, baseMs: 500, maxMs: 15_000 }) + 100);
    this.timer.unref();
  }

  private async retryPending(last: boolean): Promise<void> {
    for (const [id, item] of [...this.pending]) {
      try {
        // Idempotent on the id: an attempt that reached the database before its answer was lost is not doubled.
        await this.log.append(item.entry);
        this.pending.delete(id);
      } catch (error) {
        item.attempt += 1;
        if (last || Date.now() - item.since > AUDIT_RETRY_FOR_MS) {
          this.pending.delete(id);
          this.logger.error({ err: error, auditEntry: item.entry }, 'audit entry not kept');
        }
      }
    }
  }
}
