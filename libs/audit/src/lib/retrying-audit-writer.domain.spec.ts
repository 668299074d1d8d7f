import { type NewAuditEntry } from './audit-entry.types';
import { MemoryAuditLog } from './memory-audit-log.adapter';
import { RetryingAuditWriter } from './retrying-audit-writer.domain';

/** A database that refuses the first `failures` writes (an outage), then takes them; Infinity: never comes back. */
class FlakyAuditLog extends MemoryAuditLog {
  readonly attempted: (string | undefined)[] = [];
  constructor(private failures: number) {
    super();
  }

  override async append(entry: NewAuditEntry): Promise<boolean> {
    this.attempted.push(entry.id);
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    return super.append(entry);
  }
}

const signOut: NewAuditEntry = { actor: { kind: 'agent', id: 'ada' }, action: 'sign-out', outcome: 'succeeded' };

describe(RetryingAuditWriter.name, () => {
  it('writes at once while the database takes it, leaving nothing waiting', async () => {
    const log = new FlakyAuditLog(0);
    const writer = new RetryingAuditWriter(log);
    await writer.append(signOut);
    expect(writer.waiting).toBe(0);
    expect((await log.query({})).entries).toEqual([expect.objectContaining({ action: 'sign-out' })]);
  });

  it('gives a refused entry an id first, so each later try writes the same entry and cannot double it', async () => {
    const log = new FlakyAuditLog(1);
    const writer = new RetryingAuditWriter(log);
    await writer.append(signOut);
    expect(writer.waiting).toBe(1);
    await writer.stop();
    expect(writer.waiting).toBe(0);
    expect(log.attempted).toHaveLength(2);
    expect(log.attempted[0]).toEqual(expect.any(String));
    expect(log.attempted[1]).toBe(log.attempted[0]);
    expect((await log.query({})).entries).toEqual([expect.objectContaining({ id: log.attempted[0], action: 'sign-out' })]);
  });

  it('keeps the id an entry already has', async () => {
    const log = new FlakyAuditLog(0);
    await new RetryingAuditWriter(log).append({ ...signOut, id: '0b7e2a9c-1111-4c2d-9e3f-5a6b7c8d9e0f' });
    expect(log.attempted).toEqual(['0b7e2a9c-1111-4c2d-9e3f-5a6b7c8d9e0f']);
  });

  it('gives up on stop what the database still refuses (it is then only in the error log)', async () => {
    const log = new FlakyAuditLog(Number.POSITIVE_INFINITY);
    const writer = new RetryingAuditWriter(log);
    await writer.append(signOut);
    await writer.stop();
    expect(writer.waiting).toBe(0);
    expect((await log.query({})).entries).toEqual([]);
  });
});
