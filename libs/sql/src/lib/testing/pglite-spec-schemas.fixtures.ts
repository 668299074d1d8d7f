import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runSqlMigrations } from '../sql-migrator.adapter';
import { type SqlMigration } from '../sql-migration.types';
import { openPgliteInWorker, type PgliteWorkerSqlClient } from './pglite-worker-sql-client.adapter';

export interface PgliteSpecSchema {
  sql: PgliteWorkerSqlClient;
  schema: string;
  /** Drops the schema (the PGlite stays open for the file's next case). */
  dispose(): Promise<void>;
}

export interface PgliteSpecSchemas {
  /** A fresh schema on the file's one PGlite (opened on first use), migrated with `migrations` when given. */
  next(migrations?: readonly SqlMigration[]): Promise<PgliteSpecSchema>;
  /** Closes the PGlite and deletes its folder: the spec's afterAll. */
  close(): Promise<void>;
}

/**
 * PGlite for a spec file: the embedded mode's data folder, one per file (opening one takes seconds), a schema per
 * case named `<prefix>_<n>`, migrated as the app migrates it.
 */
export function pgliteSpecSchemas(prefix: string): PgliteSpecSchemas {
  let shared: { sql: PgliteWorkerSqlClient; dir: string } | undefined;
  let cases = 0;
  return {
    async next(migrations) {
      if (!shared) {
        const dir = await mkdtemp(join(tmpdir(), `perch-${prefix}-`));
        shared = { dir, sql: await openPgliteInWorker(dir) };
      }
      const { sql } = shared;
      const schema = `${prefix}_${++cases}`;
      if (migrations) await runSqlMigrations(sql, { schema, migrations });
      return { sql, schema, dispose: async () => void (await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)) };
    },
    async close() {
      await shared?.sql.close();
      if (shared) await rm(shared.dir, { recursive: true, force: true });
      shared = undefined;
    },
  };
}
