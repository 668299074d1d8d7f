import { mkdir } from 'node:fs/promises';

import { PGlite, type Transaction } from '@electric-sql/pglite';

import { type SqlClient } from './sql-client.port';

/** A SqlClient on a PGlite database; the database stays the caller's. */
export function pgliteSqlClient(db: PGlite): SqlClient {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await db.query<R>(text, [...params])).rows;
    },
    async script(sql: string): Promise<void> {
      // PGlite runs exec's statements through the simple protocol: one implicit transaction.
      await db.exec(sql);
    },
    transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work(transactionSqlClient(tx)));
    },
  };
}

/** A SqlClient on a PGlite transaction (a nested transaction joins it). */
function transactionSqlClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    async query<R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await tx.query<R>(text, [...params])).rows;
    },
    async script(sql: string): Promise<void> {
      await tx.exec(sql);
    },
    transaction: <T>(work: (inner: SqlClient) => Promise<T>): Promise<T> => work(client),
  };
  return client;
}

/**
 * PostgreSQL in this process (PGlite), its data in `dataDir` (created if missing), so what it holds survives a
 * restart. One process at a time may open a folder. Close it on shutdown so the last writes are flushed.
 */
export async function openEmbeddedPostgres(dataDir: string): Promise<PGlite> {
  await mkdir(dataDir, { recursive: true });
  return PGlite.create(dataDir);
}
