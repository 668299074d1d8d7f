/**
 * The least of PostgreSQL the audit log needs, so one adapter runs on a server (pg.Pool) and embedded (PGlite).
 * Build one with poolSqlClient or pgliteSqlClient.
 */
export interface SqlClient {
  /** One statement with $n parameters; resolves its rows. */
  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements without parameters, run as one transaction (PostgreSQL's simple query protocol). */
  script(sql: string): Promise<void>;
}
