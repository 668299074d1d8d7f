import { type Clock, systemClock } from '@perch/platform';
import { type SqlClient } from '@perch/sql';

import { type TokenRef, type TokenRevocationStore } from './token-revocation-store.port';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface SqlTokenRevocationStoreOptions {
  sql: SqlClient;
  schema: string;
  clock?: Clock;
}

/**
 * TokenRevocationStore in PostgreSQL (a server, or PGlite in the embedded data folder). The embedded mode keeps
 * its token secret across restarts, so a revocation kept only in memory would bring signed-out tokens back to
 * life after a restart; this one survives it. Times are the clock's, passed as parameters, never now().
 */
export class SqlTokenRevocationStore implements TokenRevocationStore {
  private readonly sql: SqlClient;
  private readonly schema: string;
  private readonly clock: Clock;

  constructor(options: SqlTokenRevocationStoreOptions) {
    if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}"`);
    this.sql = options.sql;
    this.schema = `"${options.schema}"`;
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    await this.sql.script(`
      CREATE SCHEMA IF NOT EXISTS ${this.schema};
      CREATE TABLE IF NOT EXISTS ${this.schema}.revoked_tokens (token_id text PRIMARY KEY, expires_at bigint NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.schema}.agent_token_cutoffs (
        agent_id text PRIMARY KEY, issued_up_to bigint NOT NULL, remember_until bigint NOT NULL
      );
    `);
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    if (expiresAt <= now) return;
    await this.sql.query(
      `INSERT INTO ${this.schema}.revoked_tokens (token_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (token_id) DO UPDATE SET expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at)`,
      [tokenId, expiresAt],
    );
    // Revocations die with their tokens; sign-outs are rare enough to prune here.
    await this.sql.query(`DELETE FROM ${this.schema}.revoked_tokens WHERE expires_at <= $1`, [now]);
  }

  async revokeAllFor(agentId: string, issuedUpTo: number, rememberForMs: number): Promise<void> {
    const now = this.clock.now();
    await this.sql.query(
      `INSERT INTO ${this.schema}.agent_token_cutoffs AS c (agent_id, issued_up_to, remember_until) VALUES ($1, $2, $3)
       ON CONFLICT (agent_id) DO UPDATE SET issued_up_to = EXCLUDED.issued_up_to, remember_until = EXCLUDED.remember_until
       WHERE c.issued_up_to < EXCLUDED.issued_up_to OR c.remember_until <= $4`,
      [agentId, issuedUpTo, now + rememberForMs, now],
    );
  }

  async revokedAmong(tokens: readonly TokenRef[]): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const rows = await this.sql.query<{ kind: 'token' | 'agent'; id: string; issued_up_to: string | null }>(
      `SELECT 'token' AS kind, token_id AS id, NULL::bigint AS issued_up_to FROM ${this.schema}.revoked_tokens
         WHERE token_id = ANY($1::text[]) AND expires_at > $3
       UNION ALL
       SELECT 'agent', agent_id, issued_up_to FROM ${this.schema}.agent_token_cutoffs
         WHERE agent_id = ANY($2::text[]) AND remember_until > $3`,
      [tokens.map((t) => t.tokenId), [...new Set(tokens.map((t) => t.agentId))], this.clock.now()],
    );
    const revoked = new Set(rows.filter((row) => row.kind === 'token').map((row) => row.id));
    const cutoffs = new Map(rows.filter((row) => row.kind === 'agent').map((row) => [row.id, Number(row.issued_up_to)]));
    const out = new Set<string>();
    for (const token of tokens) {
      const cutoff = cutoffs.get(token.agentId);
      if (revoked.has(token.tokenId) || (cutoff !== undefined && token.issuedAt <= cutoff)) out.add(token.tokenId);
    }
    return out;
  }
}
