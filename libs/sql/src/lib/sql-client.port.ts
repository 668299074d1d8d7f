/**
 * The least of PostgreSQL Perch's SQL adapters need, so one adapter runs on a server (pg.Pool) and embedded (PGlite).
 * Build one with poolSqlClient or pgliteSqlClient.
 */
export interface SqlClient {
  /** One statement with $n parameters; resolves its rows. */
  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements without parameters, run as one transaction (PostgreSQL's simple query protocol). */
  script(sql: string): Promise<void>;
  /**
   * Runs `work` in one transaction on one connection (COMMIT when it resolves, ROLLBACK when it throws): what a
   * multi-statement write or a transaction-scoped advisory lock (pg_advisory_xact_lock) needs, since a pool's
   * successive queries may each take another connection.
   */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}
