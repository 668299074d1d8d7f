import { ConflictError } from '@perch/platform';
import { type SqlClient } from '@perch/sql';

import { InteractionErrorCode } from '../interactions.errors';
import { type BrandDispositions, type DispositionCode, type DispositionStore } from './disposition-store.port';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface SqlDispositionStoreOptions {
  /** A pg Pool (poolSqlClient) or PGlite (pgliteSqlClient); the tables come from migration 0002-disposition-codes. */
  sql: SqlClient;
  schema: string;
}

/** DispositionStore in PostgreSQL: a server in the distributed mode, PGlite in the embedded data folder. */
export class SqlDispositionStore implements DispositionStore {
  private readonly sql: SqlClient;
  private readonly schema: string;

  constructor(options: SqlDispositionStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}"`);
    this.sql = options.sql;
    this.schema = `"${options.schema}"`;
  }

  async forBrand(brand: string): Promise<BrandDispositions> {
    const codes = await this.sql.query<DispositionCode>(
      `SELECT code, label, retired FROM ${this.schema}.disposition_codes WHERE brand = $1 ORDER BY code`,
      [brand],
    );
    const [setting] = await this.sql.query<{ required: boolean }>(`SELECT required FROM ${this.schema}.disposition_settings WHERE brand = $1`, [brand]);
    return { brand, required: setting?.required ?? false, codes: codes.map(({ code, label, retired }) => ({ code, label, retired })) };
  }

  async addCode(brand: string, code: { code: string; label: string }, at: number): Promise<DispositionCode> {
    const [row] = await this.sql.query<DispositionCode>(
      `INSERT INTO ${this.schema}.disposition_codes (brand, code, label, retired, created_at, updated_at) VALUES ($1, $2, $3, false, $4, $4)
       ON CONFLICT (brand, code) DO NOTHING RETURNING code, label, retired`,
      [brand, code.code, code.label, at],
    );
    if (!row) {
      throw new ConflictError<InteractionErrorCode>(`@${brand} has the code ${code.code} already`, InteractionErrorCode.DispositionExists, { code: code.code });
    }
    return { code: row.code, label: row.label, retired: row.retired };
  }

  async updateCode(brand: string, code: string, patch: { label?: string; retired?: boolean }, at: number): Promise<DispositionCode | undefined> {
    const [row] = await this.sql.query<DispositionCode>(
      `UPDATE ${this.schema}.disposition_codes SET label = COALESCE($3, label), retired = COALESCE($4, retired), updated_at = $5
       WHERE brand = $1 AND code = $2 RETURNING code, label, retired`,
      [brand, code, patch.label ?? null, patch.retired ?? null, at],
    );
    return row ? { code: row.code, label: row.label, retired: row.retired } : undefined;
  }

  async setRequired(brand: string, required: boolean, at: number): Promise<BrandDispositions> {
    await this.sql.query(
      `INSERT INTO ${this.schema}.disposition_settings (brand, required, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (brand) DO UPDATE SET required = EXCLUDED.required, updated_at = EXCLUDED.updated_at`,
      [brand, required, at],
    );
    return this.forBrand(brand);
  }
}
