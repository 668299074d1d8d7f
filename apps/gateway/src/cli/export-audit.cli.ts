import 'reflect-metadata';

import { once } from 'node:events';
import { resolve } from 'node:path';

import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditQuery,
  exportAuditAsJsonLines,
  SqlAuditLog,
} from '@perch/audit';
import { errorMessage, loadConfig } from '@perch/platform';
import { poolSqlClient, type SqlClient } from '@perch/sql';
import { openEmbeddedPostgres, pgliteSqlClient } from '@perch/sql/embedded';
import { DatabaseError, Pool } from 'pg';

import { GatewayDatabaseConfig, gatewayDbSchema } from '../gateway.config';

// Writes the audit log to stdout as JSON lines, oldest first, one entry a line (as GET /api/admin/audit shows it).
// Distributed: reads DATABASE_URL, GATEWAY_DB_SCHEMA and PERCH_NAMESPACE like the gateway. Embedded: pass
// --data-dir=<PERCH_DATA_DIR> (with Perch stopped: one process at a time opens its database).
// Filters: --actor=<id> --action=<action> --interaction=<id> --from=<ISO> --to=<ISO>.
// Only data goes to stdout (the summary and errors go to stderr), so `npm run --silent audit:export > audit.jsonl` is clean.

const UNDEFINED_TABLE = '42P01';
const FLAGS = ['actor', 'action', 'interaction', 'from', 'to', 'data-dir'] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: readonly string[]): Partial<Record<Flag, string>> {
  const flags: Partial<Record<Flag, string>> = {};
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    const name = match?.[1] as Flag | undefined;
    if (!match || name === undefined || !(FLAGS as readonly string[]).includes(name)) {
      throw new Error(`unknown argument "${arg}": use ${FLAGS.map((flag) => `--${flag}=…`).join(' ')}`);
    }
    flags[name] = match[2] ?? '';
  }
  return flags;
}

function filtersOf(flags: Partial<Record<Flag, string>>): Omit<AuditQuery, 'cursor' | 'limit' | 'order'> {
  if (flags.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(flags.action)) {
    throw new Error(`--action must be one of ${AUDIT_ACTIONS.join(', ')}`);
  }
  return {
    ...(flags.actor === undefined ? {} : { actor: flags.actor }),
    ...(flags.action === undefined ? {} : { action: flags.action as AuditAction }),
    ...(flags.interaction === undefined ? {} : { interactionId: flags.interaction }),
    ...(flags.from === undefined ? {} : { from: flags.from }),
    ...(flags.to === undefined ? {} : { to: flags.to }),
  };
}

async function openSource(flags: Partial<Record<Flag, string>>): Promise<{ sql: SqlClient; schema: string; where: string; close(): Promise<void> }> {
  if (flags['data-dir'] !== undefined) {
    const dataDir = resolve(flags['data-dir'], 'postgres');
    const db = await openEmbeddedPostgres(dataDir);
    return { sql: pgliteSqlClient(db), schema: 'perch', where: dataDir, close: () => db.close() };
  }
  const config = loadConfig(GatewayDatabaseConfig);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  const schema = gatewayDbSchema(config);
  return { sql: poolSqlClient(pool), schema, where: `schema "${schema}"`, close: () => pool.end() };
}

async function main(): Promise<void> {
  const flags = parseArgs(process.argv.slice(2));
  const filters = filtersOf(flags);
  // A reader piping into `head` closes early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const source = await openSource(flags);
  try {
    // No start(): an export creates nothing. A missing table is reported (most often the wrong schema or folder).
    const log = new SqlAuditLog({ sql: source.sql, schema: source.schema });
    let count = 0;
    for await (const line of exportAuditAsJsonLines(log, filters)) {
      if (!process.stdout.write(line)) await once(process.stdout, 'drain');
      count += 1;
    }
    process.stderr.write(`exported ${count} audit entr${count === 1 ? 'y' : 'ies'} from ${source.where}\n`);
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if ((error instanceof DatabaseError && error.code === UNDEFINED_TABLE) || code === UNDEFINED_TABLE || /audit_log" does not exist/.test(errorMessage(error))) {
      throw new Error(`no audit_log table in ${source.where}: has a gateway (or Perch, for --data-dir) run against it?`);
    }
    throw error;
  } finally {
    await source.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`audit export failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
