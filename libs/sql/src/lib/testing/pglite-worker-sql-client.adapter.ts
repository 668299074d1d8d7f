import { Worker } from 'node:worker_threads';

import { type SqlClient } from '../sql-client.port';

/**
 * PGlite in a worker thread, reached as a SqlClient. Jest runs tests in a VM context without dynamic import(),
 * which PGlite's loader needs; a worker thread is plain Node. The same PGlite build and data folder as the
 * embedded app's (openEmbeddedPostgres).
 */
export interface PgliteWorkerSqlClient extends SqlClient {
  /** Closes the database (flushing it to the folder) and ends the thread. */
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const opened = PGlite.create(workerData.dataDir);
parentPort.on('message', async ({ id, op, text, params }) => {
  try {
    const db = await opened;
    let result = null;
    if (op === 'query') result = (await db.query(text, params)).rows;
    else if (op === 'script') await db.exec(text);
    else if (op === 'close') await db.close();
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) });
  }
});
`;

export async function openPgliteInWorker(dataDir: string): Promise<PgliteWorkerSqlClient> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dataDir, pglitePath: require.resolve('@electric-sql/pglite') } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  const call = (op: 'query' | 'script' | 'close', text = '', params: readonly unknown[] = []): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, text, params });
    });
  // One connection in the worker: while a transaction is open, calls from outside it wait for its end rather than
  // joining it.
  let gate: Promise<void> = Promise.resolve();
  const inside: SqlClient = {
    query: async <R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> => (await call('query', text, [...params])) as R[],
    script: async (sql: string): Promise<void> => {
      await call('script', sql);
    },
    transaction: <T>(work: (tx: SqlClient) => Promise<T>): Promise<T> => work(inside),
  };
  const client: PgliteWorkerSqlClient = {
    query: async <R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> => {
      await gate;
      return inside.query<R>(text, params);
    },
    script: async (sql: string): Promise<void> => {
      await gate;
      await inside.script(sql);
    },
    transaction: async <T>(work: (tx: SqlClient) => Promise<T>): Promise<T> => {
      const previous = gate;
      let release = (): void => undefined;
      const mine = new Promise<void>((resolve) => (release = resolve));
      gate = previous.then(() => mine);
      await previous;
      try {
        await call('query', 'BEGIN');
        try {
          const result = await work(inside);
          await call('query', 'COMMIT');
          return result;
        } catch (error) {
          await call('query', 'ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        release();
      }
    },
    close: async (): Promise<void> => {
      await call('close');
      await worker.terminate();
    },
  };
  // Opening (initdb on a new folder) happens on the first call; fail here rather than in a test's first statement.
  await client.query('SELECT 1');
  return client;
}
