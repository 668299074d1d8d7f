import { type SqlMigration } from '@perch/sql';

/** Agents, supervisors and admins as rows: GATEWAY_AGENTS (or the embedded demo people) only seeds them. */
export const usersMigration: SqlMigration = {
  name: '0001-users',
  up: async ({ sql, schema }) => {
    await sql.query(`
      CREATE TABLE "${schema}".users (
        id text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
        password_hash text NOT NULL,
        brands text[] NOT NULL DEFAULT '{}',
        skills text[] NOT NULL DEFAULT '{}',
        capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 50),
        capacity_by_channel jsonb,
        disabled boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    // Sign-in names are compared exactly, but "Bob" beside "bob" would only confuse people: one of them per spelling.
    await sql.query(`CREATE UNIQUE INDEX users_id_folded ON "${schema}".users (lower(id))`);
  },
};
