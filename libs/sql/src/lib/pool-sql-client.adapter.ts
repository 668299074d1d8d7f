import { type Pool, type PoolClient } from 'pg';

import { inTransaction } from './in-transaction.util';
import { type SqlClient } from './sql-client.port';

/** A SqlClient on a pg Pool; the pool stays the caller's. */
export function poolSqlClient(pool: Pool): SqlClient {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await pool.query<R & Record<string, unknown>>(text, [...params])).rows;
    },
    async script(sql: string): Promise<void> {
      // Without parameters pg uses the simple protocol: the statements run in one implicit transaction.
      await pool.query(sql);
    },
    transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      return inTransaction(pool, (client) => work(clientSqlClient(client)));
    },
  };
}

/** A SqlClient on one pooled connection already inside a transaction (a nested transaction joins it). */
function clientSqlClient(client: PoolClient): SqlClient {
  const tx: SqlClient = {
    async query<R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await client.query<R & Record<string, unknown>>(text, [...params])).rows;
    },
    async script(sql: string): Promise<void> {
      await client.query(sql);
    },
    transaction: <T>(work: (inner: SqlClient) => Promise<T>): Promise<T> => work(tx),
  };
  return tx;
}
