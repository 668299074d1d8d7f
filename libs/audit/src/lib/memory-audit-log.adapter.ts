import { newId } from '@perch/platform';

import { type AuditEntry, type AuditPage, type AuditQuery, type NewAuditEntry } from './audit-entry.types';
import { type AuditLog } from './audit-log.port';
import { compareAuditPositions, encodeAuditCursor, normalizeAuditTime, resolveAuditQuery } from './audit-query.util';

/** AuditLog in memory, for unit tests and test beds: lost when the process ends, so never for a running Perch. */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];
  private readonly ids = new Set<string>();
  private readonly sourceKeys = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  async start(): Promise<void> {
    // Nothing to create.
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }

  async append(entry: NewAuditEntry): Promise<boolean> {
    return (await this.appendEach([entry]))[0] === true;
  }

  async appendMany(entries: readonly NewAuditEntry[]): Promise<number> {
    return (await this.appendEach(entries)).filter(Boolean).length;
  }

  async appendEach(entries: readonly NewAuditEntry[]): Promise<boolean[]> {
    // Every entry is prepared before any is kept: a bad one fails the call whole, as one INSERT does.
    const prepared = entries.map((entry) => {
      const id = entry.id ?? newId();
      // A JSON round trip: the same copy semantics as a database (no shared objects, no undefined).
      const stored = JSON.parse(
        JSON.stringify({ ...entry, id, at: normalizeAuditTime(entry.at ?? this.now()), details: entry.details ?? {} }),
      ) as AuditEntry;
      return { id, sourceKey: entry.sourceKey, stored };
    });
    return prepared.map(({ id, sourceKey, stored }) => {
      if (this.ids.has(id) || (sourceKey !== undefined && this.sourceKeys.has(sourceKey))) return false;
      this.entries.push(stored);
      this.ids.add(id);
      if (sourceKey !== undefined) this.sourceKeys.add(sourceKey);
      return true;
    });
  }

  async query(query: AuditQuery = {}): Promise<AuditPage> {
    const resolved = resolveAuditQuery(query);
    const sign = resolved.order === 'asc' ? 1 : -1;
    const after = resolved.after;
    const matching = this.entries
      .filter((entry) => {
        const atMs = Date.parse(entry.at);
        return (
          (resolved.actor === undefined || entry.actor.id === resolved.actor) &&
          (resolved.action === undefined || entry.action === resolved.action) &&
          (resolved.interactionId === undefined || entry.interactionId === resolved.interactionId) &&
          (resolved.fromMs === undefined || atMs >= resolved.fromMs) &&
          (resolved.toMs === undefined || atMs < resolved.toMs) &&
          (after === undefined || sign * compareAuditPositions(entry, after) > 0)
        );
      })
      .sort((a, b) => sign * compareAuditPositions(a, b));
    const entries = matching.slice(0, resolved.limit).map((entry) => JSON.parse(JSON.stringify(entry)) as AuditEntry);
    const last = entries[entries.length - 1];
    return { entries, nextCursor: matching.length > resolved.limit && last ? encodeAuditCursor(last) : null };
  }
}
