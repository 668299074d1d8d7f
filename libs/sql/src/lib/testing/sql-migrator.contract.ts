import { type SqlClient } from '../sql-client.port';
import { type SqlMigration } from '../sql-migration.types';
import { appliedSqlMigrations, runSqlMigrations } from '../sql-migrator.adapter';

export interface SqlMigratorHarness {
  /** A client on the database under test. */
  sql: SqlClient;
  /** A second client on the same database (another connection, or the same PGlite), for concurrent runs. */
  other: SqlClient;
  /** A schema no other test uses. */
  schema: string;
  dispose(): Promise<void>;
}

const createNotes: SqlMigration = {
  name: '0001-create-notes',
  up: async ({ sql, schema }) => {
    await sql.query(`CREATE TABLE "${schema}".notes (id text PRIMARY KEY, body text NOT NULL)`);
  },
};
const seedNote: SqlMigration = {
  name: '0002-seed-note',
  up: async ({ sql, schema }) => {
    // Not idempotent on purpose: a second application would fail on the primary key.
    await sql.query(`INSERT INTO "${schema}".notes (id, body) VALUES ('first', 'hello')`);
  },
};
const addAuthor: SqlMigration = {
  name: '0100-add-author',
  up: async ({ sql, schema }) => {
    await sql.query(`ALTER TABLE "${schema}".notes ADD COLUMN author text NOT NULL DEFAULT 'system'`);
  },
};

/** What the migrator must do on every SqlClient adapter (PostgreSQL server, PGlite); run by each adapter's spec. */
export function describeSqlMigratorContract(name: string, factory: () => Promise<SqlMigratorHarness>): void {
  describe(`SQL migrator contract: ${name}`, () => {
    let harness: SqlMigratorHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('applies pending migrations in number order, whatever order they are listed in, and records each', async () => {
      const run = await runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [seedNote, addAuthor, createNotes] });
      expect(run.applied).toEqual(['0001-create-notes', '0002-seed-note', '0100-add-author']);
      expect(await appliedSqlMigrations(harness.sql, harness.schema)).toEqual(run.applied);
      expect(await harness.sql.query(`SELECT id, body, author FROM "${harness.schema}".notes`)).toEqual([{ id: 'first', body: 'hello', author: 'system' }]);
    });

    it('applies nothing the second time, and only the new migration when one is added', async () => {
      await runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, seedNote] });
      expect((await runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, seedNote] })).applied).toEqual([]);
      expect((await runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, seedNote, addAuthor] })).applied).toEqual([
        '0100-add-author',
      ]);
      expect(await harness.sql.query(`SELECT count(*)::int AS n FROM "${harness.schema}".notes`)).toEqual([{ n: 1 }]);
    });

    it('applies each migration once when two start-ups run them at the same time', async () => {
      const migrations = [createNotes, seedNote, addAuthor];
      const runs = await Promise.all([
        runSqlMigrations(harness.sql, { schema: harness.schema, migrations }),
        runSqlMigrations(harness.other, { schema: harness.schema, migrations }),
      ]);
      expect(runs.map((run) => run.applied.length).sort()).toEqual([0, 3]);
      expect(await harness.sql.query(`SELECT count(*)::int AS n FROM "${harness.schema}".notes`)).toEqual([{ n: 1 }]);
    });

    it('leaves the schema as it was when a migration of the run fails, and says which one failed and why', async () => {
      const broken: SqlMigration = {
        name: '0003-broken',
        up: async ({ sql, schema }) => {
          await sql.query(`INSERT INTO "${schema}".no_such_table VALUES (1)`);
        },
      };
      await expect(runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, seedNote, broken] })).rejects.toThrow(/^Migration 0003-broken failed: .*no_such_table/);
      expect(await appliedSqlMigrations(harness.sql, harness.schema)).toEqual([]);
      const [table] = await harness.sql.query<{ exists: string | null }>('SELECT to_regclass($1)::text AS exists', [`"${harness.schema}".notes`]);
      expect(table?.exists).toBeNull();
    });

    it('refuses a malformed name, a name listed twice and two migrations sharing a number, before touching the database', async () => {
      await expect(runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [{ name: 'create-notes', up: createNotes.up }] })).rejects.toThrow(
        /NNNN-kebab-case-name/,
      );
      await expect(runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, createNotes] })).rejects.toThrow(/listed twice/);
      await expect(
        runSqlMigrations(harness.sql, { schema: harness.schema, migrations: [createNotes, { name: '0001-other', up: seedNote.up }] }),
      ).rejects.toThrow(/share the number 0001/);
      await expect(runSqlMigrations(harness.sql, { schema: 'Bad"Name', migrations: [] })).rejects.toThrow(/Invalid schema name/);
      expect(await appliedSqlMigrations(harness.sql, harness.schema)).toEqual([]);
    });
  });
}
