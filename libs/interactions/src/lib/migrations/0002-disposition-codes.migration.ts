import { type SqlMigration } from '@perch/sql';

/** Each brand's disposition codes (supervisors manage them) and whether done requires one. */
export const dispositionCodesMigration: SqlMigration = {
  name: '0002-disposition-codes',
  up: async ({ sql, schema }) => {
    await sql.query(`
      CREATE TABLE "${schema}".disposition_codes (
        brand text NOT NULL,
        code text NOT NULL,
        label text NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (brand, code)
      )`);
    await sql.query(`
      CREATE TABLE "${schema}".disposition_settings (
        brand text PRIMARY KEY,
        required boolean NOT NULL,
        updated_at bigint NOT NULL
      )`);
  },
};
