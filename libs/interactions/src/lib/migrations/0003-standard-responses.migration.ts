import { type SqlMigration } from '@perch/sql';

/** The standard responses library: supervisors write them, agents search and insert them. */
export const standardResponsesMigration: SqlMigration = {
  name: '0003-standard-responses',
  up: async ({ sql, schema }) => {
    await sql.query(`
      CREATE TABLE "${schema}".standard_responses (
        id text PRIMARY KEY,
        title text NOT NULL,
        body text NOT NULL,
        brand text,
        language text NOT NULL,
        category text NOT NULL,
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    await sql.query(`CREATE INDEX standard_responses_filters ON "${schema}".standard_responses (brand, language, category)`);
  },
};
