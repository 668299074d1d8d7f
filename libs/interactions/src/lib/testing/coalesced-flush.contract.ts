import { randomUUID } from 'node:crypto';

import { type SqlClient } from '@perch/sql';

import { PostgresInteractionStore, type PostgresInteractionStoreOptions } from '../view/postgres-interaction-store.adapter';
import { customerEntryFromMessage, pendingActionEntry } from '../view/interaction-view.util';
import { GatedSqlClient } from './gated-sql-client.fixtures';
import { buildMessage, headerUpdate } from './interaction.fixtures';

export interface CoalescedFlushHarness {
  sql: SqlClient;
  schema: string;
  dispose(): Promise<void>;
}

/**
 * How PostgresInteractionStore flushes (one flush in flight, the rest merged into the next, bounded), on any
 * SqlClient: PGlite in the unit tier, a PostgreSQL server in the integration tier.
 */
export function describeCoalescedFlush(name: string, factory: () => Promise<CoalescedFlushHarness>): void {
  describe(`PostgresInteractionStore flushes: ${name}`, () => {
    let harness: CoalescedFlushHarness;
    let sql: GatedSqlClient;
    let store: PostgresInteractionStore;
    let release: (() => void) | undefined;

    async function open(options: Partial<PostgresInteractionStoreOptions> = {}): Promise<void> {
      store = new PostgresInteractionStore({ sql, schema: harness.schema, ...options });
      await store.start();
      sql.transactions = 0;
      sql.rowsPerTransaction.length = 0;
    }

    /** Starts a flush of an unrelated interaction and holds it open until `release` is called. */
    async function holdAFlushOpen(): Promise<{ interactionId: string; written: Promise<void> }> {
      release = sql.hold();
      const interactionId = randomUUID();
      const written = store.applyHeader(headerUpdate('created', { interactionId }));
      await until(() => sql.transactions === 1);
      return { interactionId, written };
    }

    beforeEach(async () => {
      harness = await factory();
      sql = new GatedSqlClient(harness.sql);
    });

    afterEach(async () => {
      release?.();
      release = undefined;
      await store?.stop();
      await harness.dispose();
    });

    it('keeps one flush in flight and merges the 200 writes made meanwhile, over several ms, into the next one', async () => {
      await open();
      const held = await holdAFlushOpen();
      const ids = Array.from({ length: 50 }, () => randomUUID());
      let resolved = 0;
      const writes: Promise<void>[] = [];
      // In waves a few ms apart, as a consumer's events arrive: each wave used to start a transaction of its own.
      for (const wave of [ids.slice(0, 10), ids.slice(10, 20), ids.slice(20, 30), ids.slice(30, 40), ids.slice(40)]) {
        for (const interactionId of wave) {
          writes.push(
            store.applyHeader(headerUpdate('created', { interactionId })),
            ...[1, 2, 3].map(() => store.upsertEntries(interactionId, [customerEntryFromMessage(buildMessage())])),
          );
        }
        await pause(10);
      }
      for (const write of writes) void write.then(() => (resolved += 1));
      await pause(10);
      // Nothing is acknowledged before it is written, and nothing else started meanwhile.
      expect(resolved).toBe(0);
      expect(sql.transactions).toBe(1);

      release?.();
      await Promise.all([held.written, ...writes]);
      expect(writes).toHaveLength(200);
      expect(sql.transactions).toBe(2);
      expect(sql.maxOpen).toBe(1);
      expect((await store.get(ids[0] as string))?.transcript).toHaveLength(3);
    });

    it("applies an interaction's updates in the order they were made, across flushes", async () => {
      await open();
      release = sql.hold();
      const interactionId = randomUUID();
      const offered = store.applyHeader(headerUpdate('offered', { interactionId, agentId: 'agent-7' }, 1000));
      await until(() => sql.transactions === 1);
      const timedOut = store.applyHeader(headerUpdate('offer-timed-out', { interactionId, agentId: 'agent-7' }, 2000));
      release();
      await Promise.all([offered, timedOut]);
      // Had the second flush committed first, the offer would be back.
      expect(await store.get(interactionId)).toMatchObject({ state: 'queued', agentId: null, updatedAt: 2000 });
    });

    it('rejects exactly the writes a failing flush held, goes on with the next, and takes them again when redelivered', async () => {
      await open();
      release = sql.hold();
      sql.failNext(1);
      const lost = randomUUID();
      const message = buildMessage();
      const failing = [
        store.applyHeader(headerUpdate('created', { interactionId: lost, message })),
        store.upsertEntries(lost, [customerEntryFromMessage(message)]),
      ];
      await until(() => sql.transactions === 1);
      const kept = randomUUID();
      const next = store.applyHeader(headerUpdate('created', { interactionId: kept }));
      release();

      const outcomes = await Promise.allSettled([...failing, next]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
      expect(await store.get(lost)).toBeNull();
      expect(await store.get(kept)).toMatchObject({ id: kept });

      // The consumer did not commit the failed events' offsets: they come again, and land.
      await Promise.all([
        store.applyHeader(headerUpdate('created', { interactionId: lost, message })),
        store.upsertEntries(lost, [customerEntryFromMessage(message)]),
      ]);
      expect((await store.get(lost))?.transcript).toEqual([customerEntryFromMessage(message)]);
    });

    it('holds writers back beyond maxPending, flushing at most that many rows at a time, and loses none', async () => {
      await open({ maxPending: 10 });
      const held = await holdAFlushOpen();
      const ids = Array.from({ length: 35 }, () => randomUUID());
      const writes = ids.map((interactionId) => store.applyHeader(headerUpdate('created', { interactionId })));
      release?.();
      await Promise.all([held.written, ...writes]);

      expect(sql.rowsPerTransaction.slice(1).every((rows) => rows <= 10)).toBe(true);
      expect(sql.rowsPerTransaction.slice(1).reduce((sum, rows) => sum + rows, 0)).toBe(35);
      expect(sql.maxOpen).toBe(1);
      const stored = await Promise.all(ids.map((id) => store.get(id)));
      expect(stored.every((view) => view !== null)).toBe(true);
    });

    it('writes the direct entries of many requests at once in a few statements of their own, each request answered once its entry reads back', async () => {
      await open();
      const ids = Array.from({ length: 40 }, () => randomUUID());
      await Promise.all(ids.map((interactionId) => store.applyHeader(headerUpdate('accepted', { interactionId, agentId: 'agent-7' }))));
      sql.rowsPerStatement.length = 0;
      const held = await holdAFlushOpen();

      const entries = ids.map((interactionId, index) => ({
        interactionId,
        entry: pendingActionEntry({ commandId: randomUUID(), action: 'reply', agentId: 'agent-7', text: `reply ${index}`, requestedAt: 5000 + index }),
      }));
      await Promise.all(
        entries.map(async ({ interactionId, entry }) => {
          await store.upsertEntries(interactionId, [entry], { direct: true });
          expect((await store.get(interactionId))?.transcript).toEqual([entry]);
        }),
      );

      // Beside the held flush, not behind it; together, not one statement per request.
      expect(sql.rowsPerStatement.reduce((sum, rows) => sum + rows, 0)).toBe(40);
      expect(sql.rowsPerStatement.length).toBeLessThanOrEqual(3);
      release?.();
      await held.written;
    });

    it('reads another interaction and writes a direct entry while a flush is held open; a read of the flushed one waits', async () => {
      await open();
      const known = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: known, agentId: 'agent-7' }));
      sql.transactions = 0;
      const held = await holdAFlushOpen();

      expect(await store.get(known)).toMatchObject({ id: known, agentId: 'agent-7' });
      const pending = pendingActionEntry({ commandId: randomUUID(), action: 'reply', agentId: 'agent-7', text: 'On it', requestedAt: 5000 });
      await store.upsertEntries(known, [pending], { direct: true });
      expect((await store.get(known))?.transcript).toEqual([pending]);

      let seen = false;
      const flushed = store.get(held.interactionId).then((view) => {
        seen = true;
        return view;
      });
      await pause(30);
      expect(seen).toBe(false);
      release?.();
      expect(await flushed).toMatchObject({ id: held.interactionId });
      await held.written;
    });
  });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await pause(2);
  }
}
