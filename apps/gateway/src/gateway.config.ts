import { hostname } from 'node:os';
import { resolve } from 'node:path';

import { IsOptional, IsString, IsUrl, Matches, MinLength } from 'class-validator';
import { RedisEnv } from '@perch/service-kit';

/** The gateway's environment; validated once at start-up. */
export class GatewayConfig extends RedisEnv {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  /** Where X lives; set it to the simulator (http://127.0.0.1:4010) for development. Unset: the real X. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  X_API_BASE_URL?: string;

  /** Brand accounts the gateway answers from: "username=userToken,…". */
  @Matches(/^@?\w{1,15}=\S+(,@?\w{1,15}=\S+)*$/, { message: 'X_BRAND_TOKENS must be username=token[,username=token…]' })
  X_BRAND_TOKENS!: string;

  /** Signs agents' bearer tokens; the same on every gateway replica. */
  @IsString()
  @MinLength(32)
  GATEWAY_TOKEN_SECRET!: string;

  /** JSON array of agents: [{"id":"alice","password":"…" | "passwordHash":"scrypt$…","capacity":2,"skills":[]}]. */
  @IsString()
  @MinLength(2)
  GATEWAY_AGENTS!: string;

  /**
   * Names this replica's fan-out consumer groups, so it must differ between replicas; the pid keeps two
   * replicas on one host apart. Groups of replicas that are gone expire with Kafka's offsets retention.
   */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/)
  GATEWAY_REPLICA_ID = `${hostname().replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`;

  @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'GATEWAY_DB_SCHEMA must be lower-case letters, digits, underscores' })
  GATEWAY_DB_SCHEMA = 'perch';

  @IsString()
  GATEWAY_DESKTOP_DIR = resolve(__dirname, '../../../../apps/agent-desktop/src/public');
}

/**
 * What reading the gateway's database takes, e.g. for `corrections:export`: the same variables, the same
 * rules and defaults as GatewayConfig, and nothing about Kafka, Redis or X.
 */
export class GatewayDatabaseConfig {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'GATEWAY_DB_SCHEMA must be lower-case letters, digits, underscores' })
  GATEWAY_DB_SCHEMA = 'perch';

  /** As for the gateway: a namespaced gateway keeps its tables in `<GATEWAY_DB_SCHEMA>_<namespace>`. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,60}$/, { message: 'PERCH_NAMESPACE may hold letters, digits, dot, dash, underscore' })
  PERCH_NAMESPACE?: string;
}

/** The PostgreSQL schema of the gateway's tables; a namespace gets its own, so environments can share a database. */
export function gatewayDbSchema(env: { GATEWAY_DB_SCHEMA: string; PERCH_NAMESPACE?: string | undefined }): string {
  return env.PERCH_NAMESPACE ? `${env.GATEWAY_DB_SCHEMA}_${env.PERCH_NAMESPACE.toLowerCase().replace(/[^a-z0-9_]/g, '_')}` : env.GATEWAY_DB_SCHEMA;
}
