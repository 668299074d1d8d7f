import { randomUUID } from 'node:crypto';

import { ValidationFailedError } from '@perch/platform';

import { type AuditEntry, type NewAuditEntry } from '../audit-entry.types';
import { type AuditLog, exportAuditAsJsonLines, streamAuditEntries } from '../audit-log.port';
import { type SqlClient } from '@perch/sql';

export interface AuditLogHarness {
  log: AuditLog;
  /** Releases what the factory created (schemas, folders, databases). */
  dispose(): Promise<void>;
}

export interface SqlAuditLogHarness extends AuditLogHarness {
  /** The same database, to write around the adapter. */
  sql: SqlClient;
  /** The table, schema-qualified and quoted. */
  table: string;
  /** Closes the connection (pool or database) and opens a new one on the same data; the harness then holds the new one. */
  reopen(): Promise<{ log: AuditLog; sql: SqlClient }>;
}

export function buildAuditEntry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    id: randomUUID(),
    at: '2026-11-25T10:00:00.000Z',
    actor: { kind: 'agent', id: 'alice', role: 'agent' },
    action: 'reply',
    interactionId: randomUUID(),
    outcome: 'succeeded',
    details: { commandId: randomUUID() },
    ...overrides,
  };
}

async function expectValidationFailure(work: Promise<unknown>, field: string): Promise<void> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationFailedError);
  expect((error as ValidationFailedError).problems.map((problem) => problem.field)).toContain(field);
}

/** Behaviour every AuditLog adapter must show; run by each adapter's spec. */
export function describeAuditLogContract(name: string, factory: () => Promise<AuditLogHarness>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let harness: AuditLogHarness;
    let log: AuditLog;

    beforeEach(async () => {
      harness = await factory();
      log = harness.log;
      await log.start();
    });

    afterEach(async () => {
      await log.stop();
      await harness.dispose();
    });

    it('reads an empty page, with no next cursor, from an empty log', async () => {
      expect(await log.query()).toEqual({ entries: [], nextCursor: null });
    });

    it('keeps every field of an entry: actor, action, interaction, brand, outcome, code, details, correlation, address, source', async () => {
      const full: AuditEntry = {
        id: randomUUID(),
        at: '2026-11-25T10:00:00.123Z',
        actor: { kind: 'agent', id: 'alice', role: 'supervisor' },
        action: 'done',
        interactionId: randomUUID(),
        brandAccountId: '1500000000000000001',
        outcome: 'refused',
        code: 'not-your-interaction',
        details: { disposition: 'resolved', note: 'refund “issued” — ✓', nested: { list: [1, 2] } },
        correlationId: randomUUID(),
        address: '203.0.113.9',
        sourceKey: `test:${randomUUID()}`,
      };
      expect(await log.append(full)).toBe(true);
      expect((await log.query()).entries).toEqual([full]);
    });

    it('gives an entry appended without id or time its own, and leaves absent fields absent', async () => {
      const before = Date.now();
      await log.append({ actor: { kind: 'anonymous', id: 'mallory' }, action: 'sign-in', outcome: 'refused', code: 'bad-credentials' });
      const [kept] = (await log.query()).entries;
      expect(kept?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(kept?.at ?? '')).toBeGreaterThanOrEqual(before - 1000);
      expect(kept).toEqual({
        id: kept?.id,
        at: kept?.at,
        actor: { kind: 'anonymous', id: 'mallory' },
        action: 'sign-in',
        outcome: 'refused',
        code: 'bad-credentials',
        details: {},
      });
    });

    it('keeps an entry once per source key, as first written, however often it is appended', async () => {
      const sourceKey = `routing:${randomUUID()}`;
      const first = buildAuditEntry({ sourceKey, outcome: 'succeeded' });
      expect(await log.append(first)).toBe(true);
      expect(await log.append({ ...first, id: randomUUID(), outcome: 'failed' })).toBe(false);
      const others = [buildAuditEntry({ sourceKey: `routing:${randomUUID()}` }), buildAuditEntry({ sourceKey: `routing:${randomUUID()}` })];
      expect(await log.appendMany([{ ...first, id: randomUUID() }, ...others, ...others])).toBe(2);
      const kept = (await log.query()).entries;
      expect(kept).toHaveLength(3);
      expect(kept.find((entry) => entry.sourceKey === sourceKey)?.outcome).toBe('succeeded');
    });

    it('says for each entry of one call whether it was kept: the first of a repeated id or source key wins, in order', async () => {
      const kept = buildAuditEntry({ sourceKey: `routing:${randomUUID()}` });
      await log.append(kept);
      const fresh = buildAuditEntry({ sourceKey: `routing:${randomUUID()}` });
      const sameKey = buildAuditEntry({ sourceKey: fresh.sourceKey, outcome: 'failed' });
      const plain = buildAuditEntry();
      const results = await log.appendEach([{ ...kept, id: randomUUID() }, fresh, sameKey, plain, { ...plain }, { ...kept }]);
      expect(results).toEqual([false, true, false, true, false, false]);
      const stored = (await log.query({ limit: 10 })).entries;
      expect(stored).toHaveLength(3);
      expect(stored.find((entry) => entry.sourceKey === fresh.sourceKey)?.outcome).toBe('succeeded');
    });

    it('keeps an entry once per id', async () => {
      const entry = buildAuditEntry();
      expect(await log.append(entry)).toBe(true);
      expect(await log.append({ ...entry, action: 'dm' })).toBe(false);
      expect((await log.query()).entries.map((kept) => kept.action)).toEqual(['reply']);
    });

    it('filters by actor, action, interaction and a time range (from inclusive, to exclusive)', async () => {
      const interactionId = randomUUID();
      const entries = [
        buildAuditEntry({ at: '2026-11-25T09:00:00.000Z', actor: { kind: 'agent', id: 'alice' }, action: 'accept', interactionId }),
        buildAuditEntry({ at: '2026-11-25T10:00:00.000Z', actor: { kind: 'agent', id: 'alice' }, action: 'reply', interactionId }),
        buildAuditEntry({ at: '2026-11-25T11:00:00.000Z', actor: { kind: 'agent', id: 'bob' }, action: 'reply' }),
        buildAuditEntry({ at: '2026-11-25T12:00:00.000Z', actor: { kind: 'system', id: 'router' }, action: 'routing', interactionId }),
      ];
      await log.appendMany(entries);
      const ids = async (query: Parameters<AuditLog['query']>[0]): Promise<(string | undefined)[]> =>
        (await log.query(query)).entries.map((entry) => entry.id);
      expect(await ids({ actor: 'alice' })).toEqual([entries[0]?.id, entries[1]?.id]);
      expect(await ids({ action: 'reply' })).toEqual([entries[1]?.id, entries[2]?.id]);
      expect(await ids({ interactionId })).toEqual([entries[0]?.id, entries[1]?.id, entries[3]?.id]);
      expect(await ids({ from: '2026-11-25T10:00:00.000Z', to: '2026-11-25T12:00:00.000Z' })).toEqual([entries[1]?.id, entries[2]?.id]);
      expect(await ids({ actor: 'alice', action: 'reply', interactionId })).toEqual([entries[1]?.id]);
      expect(await ids({ actor: 'nobody' })).toEqual([]);
    });

    it('pages through entries in time order, then by id, both ways, without skipping or repeating one', async () => {
      const sameTime = '2026-11-25T10:00:00.000Z';
      const entries = [
        ...Array.from({ length: 4 }, () => buildAuditEntry({ at: sameTime })),
        buildAuditEntry({ at: '2026-11-25T09:59:59.999Z' }),
        buildAuditEntry({ at: '2026-11-25T10:00:00.001Z' }),
      ];
      await log.appendMany(entries);
      const ascending = [
        entries[4]?.id,
        ...entries
          .slice(0, 4)
          .map((entry) => entry.id ?? '')
          .sort(),
        entries[5]?.id,
      ];
      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 10; pages += 1) {
          const page = await log.query({ limit: 4, order, ...(cursor === undefined ? {} : { cursor }) });
          seen.push(...page.entries.map((entry) => entry.id));
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(order === 'asc' ? ascending : [...ascending].reverse());
      }
      const exact = await log.query({ limit: 6 });
      expect(exact.entries).toHaveLength(6);
      expect(exact.nextCursor).toBeNull();
    });

    it('refuses a bad cursor, limit, time or action, naming the field', async () => {
      await expectValidationFailure(log.query({ cursor: 'not-a-cursor' }), 'cursor');
      await expectValidationFailure(log.query({ limit: 0 }), 'limit');
      await expectValidationFailure(log.query({ limit: 1001 }), 'limit');
      await expectValidationFailure(log.query({ from: 'yesterday' }), 'from');
      await expectValidationFailure(log.query({ action: 'drop-table' as never }), 'action');
    });

    it('streams every matching entry oldest first across pages, and exports them as JSON lines', async () => {
      const entries = Array.from({ length: 7 }, (_, index) =>
        buildAuditEntry({ at: new Date(Date.UTC(2026, 10, 25, 10, 0, index)).toISOString(), action: index % 2 === 0 ? 'reply' : 'dm' }),
      );
      await log.appendMany([...entries].reverse());
      const streamed: AuditEntry[] = [];
      for await (const entry of streamAuditEntries(log, { action: 'reply' }, { pageSize: 2 })) streamed.push(entry);
      expect(streamed.map((entry) => entry.id)).toEqual(entries.filter((_, index) => index % 2 === 0).map((entry) => entry.id));
      const lines: string[] = [];
      for await (const line of exportAuditAsJsonLines(log, {}, { pageSize: 3 })) lines.push(line);
      expect(lines).toHaveLength(7);
      expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
      expect(lines.map((line) => (JSON.parse(line) as AuditEntry).id)).toEqual(entries.map((entry) => entry.id));
    });

    it('keeps every entry when many are appended at once', async () => {
      const many = Array.from({ length: 300 }, (_, index) => buildAuditEntry({ sourceKey: `k:${index}` }));
      const results = await Promise.all([...many, ...many.slice(0, 50)].map((entry) => log.append(entry)));
      expect(results.filter(Boolean)).toHaveLength(300);
      expect((await log.query({ limit: 1000 })).entries).toHaveLength(300);
    });

    it('returns copies: changing a returned entry does not change the log', async () => {
      await log.append(buildAuditEntry({ details: { note: 'kept' } }));
      const [read] = (await log.query()).entries;
      if (read) read.details['note'] = 'changed';
      expect((await log.query()).entries[0]?.details).toEqual({ note: 'kept' });
    });
  });
}

/** What the database itself guarantees; run against every SQL adapter (PostgreSQL server and PGlite). */
export function describeSqlAuditLogContract(name: string, factory: () => Promise<SqlAuditLogHarness>): void {
  describe(`SQL AuditLog contract: ${name}`, () => {
    let harness: SqlAuditLogHarness;

    beforeEach(async () => {
      harness = await factory();
      await harness.log.start();
    });

    afterEach(async () => {
      await harness.log.stop();
      await harness.dispose();
    });

    it('refuses an UPDATE, a DELETE and a TRUNCATE written around the adapter, and the entry stays as it was', async () => {
      const entry = buildAuditEntry({ outcome: 'refused', code: 'forbidden' });
      await harness.log.append(entry);
      await expect(harness.sql.query(`UPDATE ${harness.table} SET outcome = 'succeeded'`)).rejects.toThrow(/append-only/);
      await expect(harness.sql.query(`DELETE FROM ${harness.table}`)).rejects.toThrow(/append-only/);
      await expect(harness.sql.query(`TRUNCATE ${harness.table}`)).rejects.toThrow(/append-only/);
      const kept = (await harness.log.query()).entries;
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ id: entry.id, outcome: 'refused', code: 'forbidden' });
    });

    it('keeps entries across closing and reopening the database, and starts again on them', async () => {
      const entries = [buildAuditEntry({ sourceKey: 'event:1' }), buildAuditEntry({ action: 'sign-in', actor: { kind: 'anonymous', id: 'eve' }, outcome: 'refused' })];
      await harness.log.appendMany(entries);
      const reopened = await harness.reopen();
      await reopened.log.start();
      expect((await reopened.log.query()).entries.map((entry) => entry.id).sort()).toEqual(entries.map((entry) => entry.id).sort());
      // Still idempotent after the restart: a redelivered event is not kept twice.
      expect(await reopened.log.append(buildAuditEntry({ sourceKey: 'event:1' }))).toBe(false);
      await expect(reopened.sql.query(`DELETE FROM ${harness.table}`)).rejects.toThrow(/append-only/);
    });

    it('starts twice at once on the same schema (replicas start together)', async () => {
      await Promise.all([harness.log.start(), harness.log.start()]);
      expect(await harness.log.append(buildAuditEntry())).toBe(true);
    });
  });
}
