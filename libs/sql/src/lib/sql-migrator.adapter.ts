import { type SqlClient } from './sql-client.port';
import { type SqlMigration, type SqlMigrationContext } from './sql-migration.types';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MIGRATION_NAME = /^\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The table of applied migrations, in the migrated schema. */
export const MIGRATIONS_TABLE = 'schema_migrations';

export interface SqlMigratorOptions {
  /** Where the tables go (created if missing); the migrations table is kept there too. */
  schema: string;
  migrations: readonly SqlMigration[];
  /** Told each migration as it is applied (e.g. a logger's info). */
  onApplied?: (name: string) => void;
}

export interface SqlMigrationRun {
  /** The migrations this run applied, in order; empty when the schema was up to date. */
  applied: string[];
}

/**
 * Applies the pending migrations in name order over the SqlClient port, so the same migrations run on PostgreSQL
 * (pg pool) and PGlite (embedded). No migration library: umzug's entry point loads its CLI (179 modules, 4 MB of heap
 * in every gateway for a loop run once at start-up; ADR 20 amendment). All of one run share one transaction that
 * first takes a transaction-scoped advisory lock on the schema: replicas starting together wait for each other, the second sees the
 * first's rows and applies nothing, and a failing migration leaves the schema as it was (PostgreSQL's DDL is
 * transactional). Throws on a malformed or duplicate name before touching the database.
 */
export async function runSqlMigrations(sql: SqlClient, options: SqlMigratorOptions): Promise<SqlMigrationRun> {
  const { schema } = options;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and underscores`);
  const migrations = sortedMigrations(options.migrations);
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`perch-migrations:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const table = `"${schema}".${MIGRATIONS_TABLE}`;
    await tx.query(`CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const context: SqlMigrationContext = { sql: tx, schema };
    const done = new Set((await tx.query<{ name: string }>(`SELECT name FROM ${table}`)).map((row) => row.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      try {
        await migration.up(context);
      } catch (error) {
        throw new Error(`Migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      await tx.query(`INSERT INTO ${table} (name) VALUES ($1)`, [migration.name]);
      applied.push(migration.name);
    }
    for (const name of applied) options.onApplied?.(name);
    return { applied };
  });
}

/** The names of the migrations applied to this schema, in order (empty when it was never migrated). */
export async function appliedSqlMigrations(sql: SqlClient, schema: string): Promise<string[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and underscores`);
  const [table] = await sql.query<{ exists: string | null }>('SELECT to_regclass($1)::text AS exists', [`"${schema}".${MIGRATIONS_TABLE}`]);
  if (!table?.exists) return [];
  const rows = await sql.query<{ name: string }>(`SELECT name FROM "${schema}".${MIGRATIONS_TABLE} ORDER BY name`);
  return rows.map((row) => row.name);
}

function sortedMigrations(migrations: readonly SqlMigration[]): SqlMigration[] {
  const seen = new Set<string>();
  const numbers = new Map<string, string>();
  for (const { name } of migrations) {
    if (!MIGRATION_NAME.test(name)) throw new Error(`Migration name "${name}" must be NNNN-kebab-case-name`);
    if (seen.has(name)) throw new Error(`Migration "${name}" is listed twice`);
    const number = name.slice(0, 4);
    const other = numbers.get(number);
    // Two libraries picking one number would run in an order nobody chose.
    if (other !== undefined) throw new Error(`Migrations "${other}" and "${name}" share the number ${number}`);
    seen.add(name);
    numbers.set(number, name);
  }
  return [...migrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
