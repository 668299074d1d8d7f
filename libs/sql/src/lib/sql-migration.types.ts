import { type SqlClient } from './sql-client.port';

/** What a migration runs with: the transaction every pending migration shares, and the schema it migrates. */
export interface SqlMigrationContext {
  /** Inside the migrator's transaction: a failing migration rolls back every one of this run. */
  sql: SqlClient;
  /** The schema's name, already checked (lower-case letters, digits, underscores): quote it as "${schema}". */
  schema: string;
}

/**
 * One migration, a TS file `libs/<lib>/src/lib/migrations/NNNN-<name>.migration.ts` exporting it; each library
 * exports its list, and the app runs the union (libs/gateway's `gatewayMigrations`). Never edit one that shipped:
 * add the next number. The SQL must run on PostgreSQL and PGlite alike, inside a transaction (so no
 * CREATE INDEX CONCURRENTLY).
 */
export interface SqlMigration {
  /** `NNNN-kebab-name`, unique across libraries: the order they run in, and the row that says it ran. */
  name: string;
  up(context: SqlMigrationContext): Promise<void>;
}
