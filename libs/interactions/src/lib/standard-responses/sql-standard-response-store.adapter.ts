import { type SqlClient } from '@perch/sql';

import {
  type StandardResponse,
  type StandardResponsePatch,
  type StandardResponseSearch,
  type StandardResponseStore,
} from './standard-response-store.port';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const COLUMNS = 'id, title, body, brand, language, category, created_by, created_at, updated_at';

export interface SqlStandardResponseStoreOptions {
  /** A pg Pool (poolSqlClient) or PGlite (pgliteSqlClient); the table comes from migration 0003-standard-responses. */
  sql: SqlClient;
  schema: string;
}

interface ResponseRow {
  id: string;
  title: string;
  body: string;
  brand: string | null;
  language: string;
  category: string;
  created_by: string;
  created_at: string | number;
  updated_at: string | number;
}

/** StandardResponseStore in PostgreSQL: a server in the distributed mode, PGlite in the embedded data folder. */
export class SqlStandardResponseStore implements StandardResponseStore {
  private readonly sql: SqlClient;
  private readonly table: string;

  constructor(options: SqlStandardResponseStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}"`);
    this.sql = options.sql;
    this.table = `"${options.schema}".standard_responses`;
  }

  async search(query: StandardResponseSearch): Promise<StandardResponse[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.brands !== '*') where.push(`(brand IS NULL OR brand = ANY(${param([...query.brands])}::text[]))`);
    if (query.brand !== undefined) where.push(`(brand IS NULL OR brand = ${param(query.brand)})`);
    if (query.language !== undefined) where.push(`language = ${param(query.language)}`);
    if (query.category !== undefined) where.push(`category = ${param(query.category)}`);
    for (const word of (query.q ?? '').split(/\s+/).filter((w) => w.length > 0)) {
      // A substring match, whatever the language: LIKE's wildcards in the word are matched literally.
      const pattern = param(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(title ILIKE ${pattern} OR body ILIKE ${pattern})`);
    }
    const rows = await this.sql.query<ResponseRow>(
      `SELECT ${COLUMNS} FROM ${this.table} ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY title COLLATE "C", id LIMIT ${param(query.limit ?? 50)}`,
      params,
    );
    return rows.map(responseOf);
  }

  async get(id: string): Promise<StandardResponse | undefined> {
    const [row] = await this.sql.query<ResponseRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return row ? responseOf(row) : undefined;
  }

  async create(response: StandardResponse): Promise<StandardResponse> {
    const [row] = await this.sql.query<ResponseRow>(
      `INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [response.id, response.title, response.text, response.brand, response.language, response.category, response.createdBy, response.createdAt, response.updatedAt],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return responseOf(row);
  }

  async update(id: string, patch: StandardResponsePatch, at: number): Promise<StandardResponse | undefined> {
    const sets = ['updated_at = $2'];
    const params: unknown[] = [id, at];
    const set = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.title !== undefined) set('title', patch.title);
    if (patch.text !== undefined) set('body', patch.text);
    if (patch.brand !== undefined) set('brand', patch.brand);
    if (patch.language !== undefined) set('language', patch.language);
    if (patch.category !== undefined) set('category', patch.category);
    const [row] = await this.sql.query<ResponseRow>(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    return row ? responseOf(row) : undefined;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.sql.query<{ id: string }>(`DELETE FROM ${this.table} WHERE id = $1 RETURNING id`, [id])).length > 0;
  }
}

function responseOf(row: ResponseRow): StandardResponse {
  return {
    id: row.id,
    title: row.title,
    text: row.body,
    brand: row.brand,
    language: row.language,
    category: row.category,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
