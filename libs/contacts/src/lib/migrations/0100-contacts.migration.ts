import { type SqlMigration } from '@perch/sql';

/**
 * Contacts, and the ledger that makes an email or a call request at most once per idempotency key. Runs on
 * PostgreSQL and PGlite alike (no extension: search is ILIKE over a few thousand rows, not a trigram index).
 */
export const contactsMigration0100: SqlMigration = {
  name: '0100-contacts',
  async up({ sql, schema }) {
    await sql.query(`
      CREATE TABLE "${schema}".contacts (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        emails text[] NOT NULL DEFAULT '{}',
        phones text[] NOT NULL DEFAULT '{}',
        x_handle text,
        x_user_id text,
        notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        created_by text NOT NULL,
        updated_by text NOT NULL,
        version integer NOT NULL DEFAULT 1
      )`);
    // One contact per X user: an interaction's author matches at most one.
    await sql.query(`CREATE UNIQUE INDEX contacts_x_user_id ON "${schema}".contacts (x_user_id) WHERE x_user_id IS NOT NULL`);
    await sql.query(`CREATE INDEX contacts_x_handle ON "${schema}".contacts (lower(x_handle)) WHERE x_handle IS NOT NULL`);
    // The order of search pages (keyset): lower-case name, then id.
    await sql.query(`CREATE INDEX contacts_by_name ON "${schema}".contacts ((lower(name) COLLATE "C"), id)`);
    await sql.query(`
      CREATE TABLE "${schema}".contact_outreach (
        agent_id text NOT NULL,
        idempotency_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('email', 'call')),
        interaction_id text NOT NULL,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        outcome jsonb,
        claimed_at bigint NOT NULL,
        settled_at bigint,
        PRIMARY KEY (agent_id, idempotency_key)
      )`);
  },
};
