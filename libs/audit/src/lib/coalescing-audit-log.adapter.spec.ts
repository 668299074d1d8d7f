import { type NewAuditEntry } from './audit-entry.types';
import { CoalescingAuditLog } from './coalescing-audit-log.adapter';
import { MemoryAuditLog } from './memory-audit-log.adapter';
import { buildAuditEntry, describeAuditLogContract } from './testing/audit-log.contract';

describeAuditLogContract('coalescing over memory', async () => ({ log: new CoalescingAuditLog(new MemoryAuditLog()), dispose: async () => undefined }));

/** A memory log that counts its writes and can hold them open. */
class CountingAuditLog extends MemoryAuditLog {
  readonly writes: number[] = [];
  hold: Promise<void> | undefined;
  failWith: unknown;

  override async appendEach(entries: readonly NewAuditEntry[]): Promise<boolean[]> {
    this.writes.push(entries.length);
    if (this.hold) await this.hold;
    if (this.failWith !== undefined) throw this.failWith;
    return super.appendEach(entries);
  }
}

function deferred(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe(CoalescingAuditLog.name, () => {
  it('writes the entries appended together in one round trip and answers each whether it was kept', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    const entries = Array.from({ length: 100 }, (_, index) => buildAuditEntry({ sourceKey: `k:${index}` }));

    const kept = await Promise.all([...entries, entries[0] as NewAuditEntry].map((entry) => log.append(entry)));

    expect(inner.writes).toEqual([101]);
    expect(kept.filter(Boolean)).toHaveLength(100);
    expect(kept[100]).toBe(false);
    expect((await inner.query({ limit: 200 })).entries).toHaveLength(100);
  });

  it('keeps one write in flight: what is appended meanwhile waits and goes out together in the next', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    const gate = deferred();
    inner.hold = gate.promise;
    const first = log.append(buildAuditEntry());
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 20 }, () => log.append(buildAuditEntry()));
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(inner.writes).toEqual([1]);
    inner.hold = undefined;
    gate.release();
    await Promise.all([first, ...later]);

    expect(inner.writes).toEqual([1, 20]);
  });

  it('resolves an append only once its entry is committed', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    const gate = deferred();
    inner.hold = gate.promise;
    let answered = false;
    const append = log.append(buildAuditEntry()).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(answered).toBe(false);
    gate.release();
    await append;
    expect(answered).toBe(true);
  });

  it('writes no more than maxBatch entries a round trip', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner, { maxBatch: 40 });

    await Promise.all(Array.from({ length: 100 }, () => log.append(buildAuditEntry())));

    expect(inner.writes).toEqual([40, 40, 20]);
  });

  it('refuses only the entry the log cannot take, and keeps the others written with it', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    const good = Array.from({ length: 15 }, () => buildAuditEntry());
    const bad = buildAuditEntry({ at: 'not a time' });

    const results = await Promise.allSettled([...good.slice(0, 7), bad, ...good.slice(7)].map((entry) => log.append(entry)));

    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'refused'))).toEqual([
      ...Array<boolean>(7).fill(true),
      'refused',
      ...Array<boolean>(8).fill(true),
    ]);
    expect((await inner.query({ limit: 50 })).entries).toHaveLength(15);
    // Halving, not one round trip per entry: 16 entries, one bad, take 9 writes.
    expect(inner.writes.length).toBeLessThanOrEqual(9);
  });

  it('fails every entry of a write the database could not take at all, in one round trip, and writes the next ones', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    inner.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => log.append(buildAuditEntry())));

    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(inner.writes).toEqual([10]);
    inner.failWith = undefined;
    expect(await log.append(buildAuditEntry())).toBe(true);
  });

  it('treats a row PostgreSQL refuses for its data (SQLSTATE 22) as that entry\'s alone', async () => {
    const inner = new CountingAuditLog();
    const log = new CoalescingAuditLog(inner);
    const poison = buildAuditEntry({ details: { note: 'has a NUL' } });
    const appendEach = inner.appendEach.bind(inner);
    inner.appendEach = async (entries) => {
      if (entries.some((entry) => entry.id === poison.id)) {
        inner.writes.push(entries.length);
        throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
      }
      return appendEach(entries);
    };

    const results = await Promise.allSettled([buildAuditEntry(), poison, buildAuditEntry()].map((entry) => log.append(entry)));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('writes what was appended before stop, then stops the log underneath', async () => {
    const inner = new CountingAuditLog();
    const stop = jest.spyOn(inner, 'stop');
    const log = new CoalescingAuditLog(inner);
    const appends = Array.from({ length: 5 }, () => log.append(buildAuditEntry()));

    await log.stop();

    expect((await inner.query()).entries).toHaveLength(5);
    expect(stop).toHaveBeenCalledTimes(1);
    await expect(Promise.all(appends)).resolves.toEqual([true, true, true, true, true]);
  });
});
