import { randomUUID } from 'node:crypto';

import { poolSqlClient, type SqlClient } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { buildLifecycle, buildMessage } from '../testing/interaction.fixtures';
import { customerEntryFromLifecycle, headerUpdateFromLifecycle } from './interaction-view.util';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

// The projection under a consumer's load on the real PostgreSQL: 1,000 concurrent writers, each applying events one
// after another as a consumer does, while an unrelated interaction is read again and again (what accept and reply
// used to queue behind). What is asserted is behaviour (every event kept, writes coalesced, reads answered), never
// time: bench:e2e measures the speed.
jest.setTimeout(120_000);
const pool = sharedDatabasePool(8);
afterAll(async () => {
  await pool.end();
});

const WRITERS = 1000;

describe('projection throughput into PostgreSQL', () => {
  it('keeps every one of 5,000 events from 1,000 concurrent writers in step, in a small fraction as many transactions', async () => {
    await measure(5, 0);
  });

  it('keeps every one of 20,000 events from 1,000 writers arriving out of step (0-10 ms apart), coalesced, with reads answered meanwhile', async () => {
    // Arrivals spread over time, as a consumer's are: what made a new transaction start every few ms.
    await measure(20, 10);
  });
});

async function measure(eventsPerWriter: number, maxPauseMs: number): Promise<void> {
  const EVENTS_PER_WRITER = eventsPerWriter;
  {
    const schema = freshSchema(pool);
    const counted = countTransactions(poolSqlClient(pool));
    const store = new PostgresInteractionStore({ sql: counted.sql, schema: schema.name });
    try {
      await store.start();
      const unrelated = randomUUID();
      await store.applyHeader(headerUpdateFromLifecycle(buildLifecycle('created', { interactionId: unrelated }), 1, 'corr-probe'));
      counted.reset();

      const applyLatencies: number[] = [];
      const readWaits: number[] = [];
      let writing = true;
      const probe = (async () => {
        while (writing) {
          const started = performance.now();
          await store.get(unrelated);
          readWaits.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          const interactionId = randomUUID();
          for (let step = 0; step < EVENTS_PER_WRITER; step++) {
            if (maxPauseMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * maxPauseMs));
            const payload = buildLifecycle(step === 0 ? 'offered' : 'message-added', { interactionId, message: buildMessage() });
            const entry = customerEntryFromLifecycle(payload);
            const at = performance.now();
            await Promise.all([
              store.applyHeader(headerUpdateFromLifecycle(payload, 1_760_000_000_000 + step, 'corr-1')),
              entry ? store.upsertEntries(interactionId, [entry]) : Promise.resolve(),
            ]);
            applyLatencies.push(performance.now() - at);
          }
        }),
      );
      writing = false;
      await probe;

      const events = WRITERS * EVENTS_PER_WRITER;
      expect(applyLatencies).toHaveLength(events);
      const stored = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema.name}".transcript_entries`);
      expect(Number(stored.rows[0]?.n)).toBe(events);
      // One flush in flight, the rest merged into the next: a transaction per event would be `events` of them.
      expect(counted.transactions()).toBeLessThan(events / 10);
      // The unrelated interaction stayed readable throughout, and read back as written.
      expect(readWaits.length).toBeGreaterThan(0);
      expect((await store.get(unrelated))?.id).toBe(unrelated);
    } finally {
      await store.stop();
      await schema.drop();
    }
  }
}

function countTransactions(sql: SqlClient): { sql: SqlClient; transactions: () => number; reset: () => void } {
  let count = 0;
  return {
    sql: {
      query: (text, params) => sql.query(text, params),
      script: (text) => sql.script(text),
      transaction: (work) => {
        count += 1;
        return sql.transaction(work);
      },
    },
    transactions: () => count,
    reset: () => {
      count = 0;
    },
  };
}
