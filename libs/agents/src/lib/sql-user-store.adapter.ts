import { ConflictError } from '@perch/platform';
import { type SqlClient } from '@perch/sql';

import { AuthErrorCode } from './agent-auth.errors';
import { type AgentRecord, type AgentRole, type ChannelCapacity } from './agent-directory.domain';
import { type UserPatch, type UserRecord, type UserStore } from './user-store.port';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const COLUMNS =
  'id, display_name, role, password_hash, brands, skills, capacity, capacity_by_channel, disabled, created_at, updated_at';

export interface SqlUserStoreOptions {
  /** A pg Pool (poolSqlClient) or PGlite (pgliteSqlClient); the table comes from migration 0001-users. */
  sql: SqlClient;
  schema: string;
}

interface UserRow {
  id: string;
  display_name: string;
  role: AgentRole;
  password_hash: string;
  brands: string[];
  skills: string[];
  capacity: number;
  capacity_by_channel: ChannelCapacity | null;
  disabled: boolean;
  created_at: string | number;
  updated_at: string | number;
}

/** UserStore in PostgreSQL: a server in the distributed mode, PGlite in the embedded data folder. */
export class SqlUserStore implements UserStore {
  private readonly sql: SqlClient;
  private readonly table: string;

  constructor(options: SqlUserStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}"`);
    this.sql = options.sql;
    this.table = `"${options.schema}".users`;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.sql.query<UserRow>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY id`)).map(recordOf);
  }

  async find(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.sql.query<UserRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return row ? recordOf(row) : undefined;
  }

  async create(user: AgentRecord, at: number): Promise<UserRecord> {
    const [row] = await this.sql.query<UserRow>(
      `INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8::jsonb, false, $9, $9)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      insertParams(user, at),
    );
    if (!row) throw new ConflictError<AuthErrorCode>(`A user "${user.id}" exists already`, AuthErrorCode.UserExists, { id: user.id });
    return recordOf(row);
  }

  async update(id: string, patch: UserPatch, at: number): Promise<UserRecord | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id, at];
    const set = (column: string, value: unknown, cast = ''): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.displayName !== undefined) set('display_name', patch.displayName);
    if (patch.role !== undefined) set('role', patch.role);
    if (patch.brands !== undefined) set('brands', patch.brands, '::text[]');
    if (patch.skills !== undefined) set('skills', patch.skills, '::text[]');
    if (patch.capacity !== undefined) set('capacity', patch.capacity);
    if (patch.capacityByChannel !== undefined) set('capacity_by_channel', patch.capacityByChannel === null ? null : JSON.stringify(patch.capacityByChannel), '::jsonb');
    if (patch.disabled !== undefined) set('disabled', patch.disabled);
    if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash);
    const [row] = await this.sql.query<UserRow>(
      `UPDATE ${this.table} SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      params,
    );
    return row ? recordOf(row) : undefined;
  }

  async seed(users: readonly AgentRecord[], at: number): Promise<string[]> {
    const inserted: string[] = [];
    // A handful of configured people, once per start-up: one statement each keeps the SQL plain on both adapters.
    for (const user of users) {
      const rows = await this.sql.query<{ id: string }>(
        `INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8::jsonb, false, $9, $9)
         ON CONFLICT DO NOTHING RETURNING id`,
        insertParams(user, at),
      );
      if (rows.length > 0) inserted.push(user.id);
    }
    return inserted;
  }
}

function insertParams(user: AgentRecord, at: number): unknown[] {
  return [
    user.id,
    user.displayName,
    user.role,
    user.passwordHash,
    [...user.brands],
    [...user.skills],
    user.capacity,
    user.capacityByChannel === undefined ? null : JSON.stringify(user.capacityByChannel),
    at,
  ];
}

function recordOf(row: UserRow): UserRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    brands: [...row.brands],
    skills: [...row.skills],
    capacity: Number(row.capacity),
    ...(row.capacity_by_channel === null ? {} : { capacityByChannel: { public: row.capacity_by_channel.public, dm: row.capacity_by_channel.dm } }),
    disabled: row.disabled,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
