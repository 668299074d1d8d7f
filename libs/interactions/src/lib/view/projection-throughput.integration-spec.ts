import { randomUUID } from 'node:crypto';

import { poolSqlClient, type SqlClient } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { buildLifecycle, buildMessage } from '../testing/interaction.fixtures';
import { customerEntryFromLifecycle, headerUpdateFromLifecycle } from './interaction-view.util';
import { PostgresInteractionStore } from './postgres-interaction-store.adapter';

// A figure, not a benchmark: projection events/s into the real PostgreSQL with 1,000 concurrent writers (each
// applying events one after another, as a consumer does), and how long a read of an unrelated interaction waits
// meanwhile (what accept and reply used to queue behind). Logged as one line; the assertions only say it finished.
jest.setTimeout(120_000);
const pool = sharedDatabasePool(8);
afterAll(async () => {
  await pool.end();
});

const WRITERS = 1000;

describe('projection throughput into PostgreSQL', () => {
  it('writes 5,000 events from 1,000 concurrent writers in step and logs events/s, transactions and read waits', async () => {
    await measure('in-step', 5, 0);
  });

  it('writes 20,000 events from 1,000 concurrent writers arriving out of step (0-10 ms apart) and logs the same', async () => {
    // Arrivals spread over time, as a consumer's are: what made a new transaction start every few ms.
    await measure('staggered', 20, 10);
  });
});

async function measure(label: string, eventsPerWriter: number, maxPauseMs: number): Promise<void> {
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
      const started = performance.now();
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
      const elapsedMs = performance.now() - started;
      writing = false;
      await probe;

      const events = WRITERS * EVENTS_PER_WRITER;
      const line = {
        label,
        events,
        eventsPerSecond: Math.round((events / elapsedMs) * 1000),
        transactions: counted.transactions(),
        applyP50Ms: Math.round(percentile(applyLatencies, 0.5)),
        applyP99Ms: Math.round(percentile(applyLatencies, 0.99)),
        unrelatedReadP50Ms: Math.round(percentile(readWaits, 0.5)),
        unrelatedReadMaxMs: Math.round(Math.max(...readWaits)),
      };
      console.log(`projection-throughput ${JSON.stringify(line)}`);
      expect(applyLatencies).toHaveLength(events);
      const stored = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema.name}".transcript_entries`);
      expect(Number(stored.rows[0]?.n)).toBe(events);
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

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
