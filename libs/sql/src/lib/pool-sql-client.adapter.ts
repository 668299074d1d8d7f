import { type Pool } from 'pg';

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
  };
}
