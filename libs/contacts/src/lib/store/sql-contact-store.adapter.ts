import { newId } from '@perch/platform';
import { type SqlClient } from '@perch/sql';

import { changed, notFound, xUserTaken } from './contact-refusals.util';
import { decodeContactCursor, draftFields, encodeContactCursor, pageLimit, patchFields, searchTerms } from './contact-fields.util';
import { type ContactStore } from './contact-store.port';
import {
  type Contact,
  type ContactChangeMeta,
  type ContactDraft,
  type ContactPage,
  type ContactPatch,
  type ContactSearch,
  type XIdentity,
} from './contact.types';

export interface SqlContactStoreOptions {
  /** A pg Pool (poolSqlClient) or PGlite (pgliteSqlClient); owned by the caller. */
  sql: SqlClient;
  /** Schema holding the tables, migrated beforehand (CONTACTS_MIGRATIONS through runSqlMigrations). */
  schema: string;
}

interface ContactRow {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  x_handle: string | null;
  x_user_id: string | null;
  notes: string;
  created_at: string | number;
  updated_at: string | number;
  created_by: string;
  updated_by: string;
  version: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The sort key of pages, as compareContacts has it. */
const ORDER = `lower(name) COLLATE "C", id`;

/** ContactStore on PostgreSQL, through the SqlClient port: the same SQL on a server (pg) and embedded (PGlite). */
export class SqlContactStore implements ContactStore {
  private readonly sql: SqlClient;
  private readonly table: string;
  private readonly schema: string;

  constructor(options: SqlContactStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}": use lower-case letters, digits and underscores`);
    this.sql = options.sql;
    this.schema = options.schema;
    this.table = `"${options.schema}".contacts`;
  }

  /** Checks the tables are there: the app runs the migrations, a store never creates tables itself. */
  async start(): Promise<void> {
    const [row] = await this.sql.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [this.table]);
    if (!row?.found) throw new Error(`Table ${this.table} is missing: run @perch/contacts' CONTACTS_MIGRATIONS on schema ${this.schema} first`);
  }

  async stop(): Promise<void> {
    // The client is the caller's.
  }

  async create(draft: ContactDraft, meta: ContactChangeMeta): Promise<Contact> {
    const fields = draftFields(draft);
    // The unique index on x_user_id decides between racing creators; the loser learns who won.
    const [row] = await this.sql.query<ContactRow>(
      `INSERT INTO ${this.table} (id, name, emails, phones, x_handle, x_user_id, notes, created_at, updated_at, created_by, updated_by, version)
       VALUES ($1, $2, $3::text[], $4::text[], $5, $6, $7, $8, $8, $9, $9, 1)
       ON CONFLICT (x_user_id) WHERE x_user_id IS NOT NULL DO NOTHING
       RETURNING *`,
      [newId(), fields.name, fields.emails, fields.phones, fields.xHandle, fields.xUserId, fields.notes, meta.at, meta.agentId],
    );
    if (row) return toContact(row);
    const holder = await this.byXUserId(fields.xUserId ?? '');
    throw xUserTaken(fields.xUserId ?? '', holder?.id ?? '');
  }

  async update(id: string, patch: ContactPatch, meta: ContactChangeMeta): Promise<Contact> {
    const fields = patchFields(patch);
    if (!isUuid(id)) throw notFound(id);
    const sets: string[] = [];
    const params: unknown[] = [id, meta.at, meta.agentId, patch.expectedVersion ?? null];
    const set = (column: string, value: unknown, cast = ''): number => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
      return params.length;
    };
    if (fields.name !== undefined) set('name', fields.name);
    if (fields.emails !== undefined) set('emails', fields.emails, '::text[]');
    if (fields.phones !== undefined) set('phones', fields.phones, '::text[]');
    if (fields.xHandle !== undefined) set('x_handle', fields.xHandle);
    const xUserParam = fields.xUserId === undefined ? 0 : set('x_user_id', fields.xUserId);
    if (fields.notes !== undefined) set('notes', fields.notes);
    // One statement: the version check, the X user id's uniqueness and the write succeed or fail together.
    const xUserFree =
      fields.xUserId === undefined || fields.xUserId === null
        ? 'TRUE'
        : `NOT EXISTS (SELECT 1 FROM ${this.table} o WHERE o.x_user_id = $${xUserParam} AND o.id <> $1)`;
    const [row] = await this.sql.query<ContactRow>(
      `UPDATE ${this.table} SET ${[...sets, 'updated_at = GREATEST(updated_at, $2)', 'updated_by = $3', 'version = version + 1'].join(', ')}
       WHERE id = $1 AND ($4::int IS NULL OR version = $4::int) AND ${xUserFree}
       RETURNING *`,
      params,
    );
    if (row) return toContact(row);
    const current = await this.get(id);
    if (!current) throw notFound(id);
    if (patch.expectedVersion !== undefined && patch.expectedVersion !== current.version) throw changed(id, current.version);
    const holder = await this.byXUserId(fields.xUserId ?? '');
    throw xUserTaken(fields.xUserId ?? '', holder?.id ?? '');
  }

  async get(id: string): Promise<Contact | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.sql.query<ContactRow>(`SELECT * FROM ${this.table} WHERE id = $1`, [id]);
    return row ? toContact(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.sql.query<{ id: string }>(`DELETE FROM ${this.table} WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  async search(query: ContactSearch): Promise<ContactPage> {
    const limit = pageLimit(query.limit);
    const after = query.cursor === undefined ? null : decodeContactCursor(query.cursor);
    const terms = searchTerms(query.q);
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (terms) {
      params.push(`%${escapeLike(terms.text)}%`, terms.digits.length > 0 ? `%${terms.digits}%` : null);
      where.push(`(lower(name) LIKE $2 OR lower(coalesce(x_handle, '')) LIKE $2 OR array_to_string(emails, ' ') LIKE $2
        OR ($3::text IS NOT NULL AND regexp_replace(array_to_string(phones, ' '), '[^0-9 ]', '', 'g') LIKE $3))`);
    }
    if (after) {
      params.push(after.name, after.id);
      where.push(`(lower(name) COLLATE "C", id) > ($${params.length - 1}::text COLLATE "C", $${params.length}::uuid)`);
    }
    const rows = await this.sql.query<ContactRow>(
      `SELECT * FROM ${this.table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${ORDER} LIMIT $1`,
      params,
    );
    const items = rows.slice(0, limit).map(toContact);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeContactCursor(last) } : { items };
  }

  async matchAuthor(author: XIdentity): Promise<Contact | null> {
    if (author.xUserId) {
      const byId = await this.byXUserId(author.xUserId);
      if (byId) return byId;
    }
    const handle = author.xHandle?.replace(/^@/, '');
    if (!handle) return null;
    const [row] = await this.sql.query<ContactRow>(
      `SELECT * FROM ${this.table} WHERE x_user_id IS NULL AND lower(x_handle) = lower($1) ORDER BY created_at, ${ORDER} LIMIT 1`,
      [handle],
    );
    return row ? toContact(row) : null;
  }

  private async byXUserId(xUserId: string): Promise<Contact | null> {
    const [row] = await this.sql.query<ContactRow>(`SELECT * FROM ${this.table} WHERE x_user_id = $1`, [xUserId]);
    return row ? toContact(row) : null;
  }
}

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    name: row.name,
    emails: [...row.emails],
    phones: [...row.phones],
    xHandle: row.x_handle,
    xUserId: row.x_user_id,
    notes: row.notes,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    version: Number(row.version),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
