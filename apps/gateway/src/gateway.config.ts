import { hostname } from 'node:os';
import { resolve } from 'node:path';

import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { isFromAddress, isSmtpUrl, type MailRoutes, parseMailRoutes, smtpBrandsProblems } from '@perch/contacts';
import { DEFAULT_CONFERENCE_MAX_AGENTS, DEFAULT_NOT_READY_REASONS, MAX_CONFERENCE_AGENTS, parseNotReadyReasons, parseSkillCatalog } from '@perch/contracts';
import { DEFAULT_OUTBOUND_BRAND_CONCURRENCY, MAX_OUTBOUND_BRAND_CONCURRENCY } from '@perch/outbound';
import { IsStrongSecret } from '@perch/platform';
import { GATEWAY_ROLES, type GatewayRole } from '@perch/gateway';
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

  /**
   * Signs agents' bearer tokens (HMAC), so whoever knows it can mint any agent's token: random, the same on every
   * gateway replica. Known defaults and low-entropy values are refused. A worker (GATEWAY_ROLE=worker) signs no one in
   * and needs none: least privilege, the secret stays with the edges; given one anyway, it is checked the same.
   */
  @ValidateIf((env: GatewayConfig) => env.GATEWAY_ROLE !== 'worker' || env.GATEWAY_TOKEN_SECRET !== undefined)
  @IsStrongSecret()
  GATEWAY_TOKEN_SECRET?: string;

  /**
   * JSON array of agents: [{"id":"alice","password":"…" | "passwordHash":"scrypt$…","capacity":2,"capacityByChannel"?:{"public":2,"dm":1},"skills":[]}].
   * Seeds the users table; a worker needs none ([] when unset there).
   */
  @ValidateIf((env: GatewayConfig) => env.GATEWAY_ROLE !== 'worker' || env.GATEWAY_AGENTS !== undefined)
  @IsString()
  @MinLength(2)
  GATEWAY_AGENTS?: string;

  /**
   * The router's skill catalog (same name, as the router has it): when set, an agent of GATEWAY_AGENTS with a skill
   * outside it is refused at start-up, naming the agent and the skill (the router would refuse its every presence).
   */
  @IsOptional()
  @ValidateBy({
    name: 'skillCatalog',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseSkillCatalog(value) !== undefined,
      defaultMessage: () => 'ROUTER_SKILLS must be a comma-separated list of skill names (no "=", no spaces, 1..64 characters each)',
    },
  })
  ROUTER_SKILLS?: string;

  /** The skill catalog (validated above), or undefined when none is configured. */
  skillCatalog(): string[] | undefined {
    return this.ROUTER_SKILLS === undefined ? undefined : parseSkillCatalog(this.ROUTER_SKILLS);
  }

  /**
   * Names this replica's fan-out consumer groups, so it must differ between replicas; the pid keeps two
   * replicas on one host apart. Groups of replicas that are gone expire with Kafka's offsets retention.
   */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/)
  GATEWAY_REPLICA_ID = `${hostname().replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`;

  /**
   * What this process runs (ADR 43): `all` (default), `edge` (the REST API, desktop and agents' sockets) or `worker`
   * (the outbound worker, projection, recorders and supervisors' counters; serves no agent). Edges and workers scale
   * apart; a cluster of edges needs at least one worker.
   */
  @IsIn(GATEWAY_ROLES, { message: `GATEWAY_ROLE must be one of ${GATEWAY_ROLES.join(', ')}` })
  GATEWAY_ROLE: GatewayRole = 'all';

  @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'GATEWAY_DB_SCHEMA must be lower-case letters, digits, underscores' })
  GATEWAY_DB_SCHEMA = 'perch';

  /**
   * The router's tenant, as the router has it (same default): the gateway reads who holds each interaction from the
   * router's Redis keys of that tenant before letting an agent act (docs/adr/0013).
   */
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'ROUTER_TENANT may hold letters, digits, dash and underscore' })
  ROUTER_TENANT = 'default';

  /** A conference's agents at most, counting the holder, as the router has it (same name, same default): 409 conference-full beyond. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(MAX_CONFERENCE_AGENTS)
  ROUTER_CONFERENCE_MAX_AGENTS = DEFAULT_CONFERENCE_MAX_AGENTS;

  /** The agent desktop SPA as `npm run build` leaves it (Vite's output, dist/apps/agent-desktop/www). */
  /**
   * The router's wrap-up after done, as the router has it (same name, same default 30 s, at most 1 h): told to the
   * desktop (GET /api/config) so it shows the after-interaction work's time. 0: none.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60 * 60 * 1000)
  ROUTER_WRAP_UP_MS = 30_000;

  @IsString()
  GATEWAY_DESKTOP_DIR = resolve(__dirname, '../../agent-desktop/www');

  /** How long a bearer token lives (ms); open WebSockets are closed when theirs expires. Default 12 h. */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  @Max(7 * 24 * 3600 * 1000)
  GATEWAY_TOKEN_TTL_MS = 12 * 3600 * 1000;

  /**
   * Supervisors' service level: an interaction accepted within this long of its creation counts as answered in time
   * ("80 % in 60 s"). Applied as events are counted: every replica must agree. Default 60 s.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(24 * 3600 * 1000)
  SUPERVISOR_SERVICE_LEVEL_MS = 60_000;

  /**
   * How long an agent's last WebSocket may stay closed (a reload, a network blip) before the router is told the agent
   * is offline (cause disconnect): its offers go to others, its assigned work stays with it, flagged. 0 never. Default 60 s.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 3600 * 1000)
  GATEWAY_DISCONNECT_GRACE_MS = 60_000;

  /**
   * Messages from agents' sockets (offer decisions) this replica handles at once; past it, a message waits as it came
   * and its socket is not read, so a burst waits in TCP buffers rather than in handlings (ADR 39). Default 256.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT = 256;

  /**
   * Requests to /api this replica handles at once; past it, a request is refused at once with 503 gateway-busy and
   * Retry-After, before authentication or any handler, so a flood costs no more than its refusals (ADR 41). Default 2048.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT = 2_048;

  /**
   * Calls to X at once per brand account in this replica: one brand's replies go out in parallel (ordered per
   * conversation), at most this many sockets each. X's windows are kept apart from it (the rate-limit budget and the
   * brand's pause after a 429, shared by the replicas). Default 32.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_OUTBOUND_BRAND_CONCURRENCY)
  OUTBOUND_BRAND_CONCURRENCY = DEFAULT_OUTBOUND_BRAND_CONCURRENCY;

  /**
   * Not-ready reason codes agents and supervisors may choose ("break,meeting"): the same list as the router's
   * ROUTER_NOT_READY_REASONS (missed-offer, which the router sets itself, is never offered as a choice).
   */
  @ValidateBy({
    name: 'notReadyReasons',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseNotReadyReasons(value) !== undefined,
      defaultMessage: () => 'GATEWAY_NOT_READY_REASONS must be a comma-separated list of codes like break,meeting (lower-case words joined by dashes, at most 32 characters each)',
    },
  })
  GATEWAY_NOT_READY_REASONS = DEFAULT_NOT_READY_REASONS.join(',');

  /** Failed sign-ins for one username within GATEWAY_SIGNIN_WINDOW_MS before it gets 429 until the window ends. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  GATEWAY_SIGNIN_MAX_FAILURES_PER_USER = 5;

  /** Failed sign-ins from one client address (any usernames) within the window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  GATEWAY_SIGNIN_MAX_FAILURES_PER_ADDRESS = 20;

  /** The sign-in throttle's fixed window, from the first failure (ms). Default 15 min. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  GATEWAY_SIGNIN_WINDOW_MS = 15 * 60 * 1000;

  /**
   * Which proxies may name the client in X-Forwarded-For (the address sign-ins are throttled by): "false"
   * (default: the TCP peer is the client), a hop count ("1": one ingress in front), or addresses/CIDRs and
   * Express's names ("loopback, 10.0.0.0/8"). Never "true": any client could then pick its own address.
   */
  @Matches(/^(false|\d{1,2}|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/, {
    message: 'GATEWAY_TRUST_PROXY must be false, a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal',
  })
  @Matches(/^(?!true$)/, { message: 'GATEWAY_TRUST_PROXY=true would trust any client\'s X-Forwarded-For; name the proxies or a hop count' })
  GATEWAY_TRUST_PROXY = 'false';

  /**
   * Agents' emails to contacts go out through this SMTP server (nodemailer's URL: smtp://user:pass@host:587, smtps://…
   * for implicit TLS), from SMTP_FROM. Unset (and no SMTP_BRANDS): email is off, answered 409 mail-not-configured.
   */
  @IsOptional()
  @ValidateBy({ name: 'smtpUrl', validator: { validate: (value: unknown) => typeof value === 'string' && isSmtpUrl(value), defaultMessage: () => 'SMTP_URL must be an smtp:// or smtps:// URL' } })
  SMTP_URL?: string;

  /** The sender of agents' emails: `care@brand.example` or `Brand Care <care@brand.example>`; required with SMTP_URL. */
  @ValidateIf((config: GatewayConfig) => config.SMTP_URL !== undefined || config.SMTP_FROM !== undefined)
  @ValidateBy({
    name: 'smtpFrom',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isFromAddress(value),
      defaultMessage: () => 'SMTP_FROM must be set with SMTP_URL, as an address (care@brand.example) or "Name <care@brand.example>"',
    },
  })
  SMTP_FROM?: string;

  /** Per brand (X username): its own sender and, optionally, server: {"acme_support":{"from":"Acme <care@acme.example>","url":"smtp://…"}}. */
  @IsOptional()
  @ValidateBy({
    name: 'smtpBrands',
    validator: {
      validate: (value: unknown, args) => typeof value === 'string' && smtpBrandsProblems(value, (args?.object as GatewayConfig | undefined)?.SMTP_URL).length === 0,
      defaultMessage: (args) => smtpBrandsProblems(String(args?.value), (args?.object as GatewayConfig | undefined)?.SMTP_URL).join('; ') || 'SMTP_BRANDS must be a JSON object',
    },
  })
  SMTP_BRANDS?: string;

  /** Which SMTP server and sender each brand's mail takes (validated above). */
  mailRoutes(): MailRoutes {
    return parseMailRoutes({ SMTP_URL: this.SMTP_URL, SMTP_FROM: this.SMTP_FROM, SMTP_BRANDS: this.SMTP_BRANDS }).routes;
  }

  /** The configured not-ready reason codes. */
  notReadyReasons(): string[] {
    return parseNotReadyReasons(this.GATEWAY_NOT_READY_REASONS) ?? [...DEFAULT_NOT_READY_REASONS];
  }
}

/** GATEWAY_TRUST_PROXY as Express's "trust proxy" setting. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
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
