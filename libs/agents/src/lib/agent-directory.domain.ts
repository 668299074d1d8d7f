import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { type Clock, createLogger, type Logger, PerchError, RetryableError, systemClock } from '@perch/platform';

import { AuthErrorCode, AuthenticationFailedError, TooManySignInsError } from './agent-auth.errors';
import { MemorySignInThrottleStore } from './memory-sign-in-throttle-store.adapter';
import { MemoryTokenRevocationStore } from './memory-token-revocation-store.adapter';
import { MemoryUserStore } from './memory-user-store.adapter';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, type ScryptParams, scryptParamsOf, unmatchableHash, verifyPassword } from './password-hash.util';
import { SignInThrottle } from './sign-in-throttle.domain';
import { type TokenRef, type TokenRevocationStore } from './token-revocation-store.port';
import { type UserPatch, type UserRecord, type UserStore } from './user-store.port';

export const AGENT_ROLES = ['agent', 'supervisor', 'admin'] as const;
/** What a signed-in person may do: agents handle interactions; supervisors also watch; admins also read the audit log. */
export type AgentRole = (typeof AGENT_ROLES)[number];
/** In `brands`: every brand account Perch serves, present and future. */
export const ALL_BRANDS = '*';

export interface AgentRecord {
  /** Also the sign-in username; at most 64 characters (agent.command.v1's limit). */
  id: string;
  displayName: string;
  /** From hashPassword (scrypt). */
  passwordHash: string;
  /** Interactions the agent can hold at once. Set by configuration only, never by the agent. */
  capacity: number;
  /** Optional separate limits for public conversations and DMs (configuration only); `capacity` then caps their sum. */
  capacityByChannel?: ChannelCapacity;
  skills: string[];
  role: AgentRole;
  /** Usernames of the brand accounts this person may post from (a new post); `*` for all. */
  brands: string[];
}

/** Interactions an agent may hold at once per channel: public conversations (mentions, replies, quotes) and DMs. */
export interface ChannelCapacity {
  public: number;
  dm: number;
}

/** An agent as the rest of the system sees them: never the password hash. */
export interface AgentProfile {
  id: string;
  displayName: string;
  capacity: number;
  /** Present when configured: separate limits for public conversations and DMs. */
  capacityByChannel?: ChannelCapacity;
  skills: string[];
  role: AgentRole;
  brands: string[];
}

/** Whether the person may post from the brand account with this username (brand usernames compare case-insensitively on X). */
export function mayPostAs(agent: Pick<AgentProfile, 'brands'>, brandUsername: string): boolean {
  const wanted = brandUsername.toLowerCase();
  return agent.brands.some((brand) => brand === ALL_BRANDS || brand.toLowerCase() === wanted);
}

export interface IssuedToken {
  token: string;
  /** ms since epoch. */
  expiresAt: number;
}

/** A verified bearer token: whose it is and what the revocation checks need. */
export interface AgentSession extends TokenRef {
  agent: AgentProfile;
  /** ms since epoch. */
  expiresAt: number;
}

/** One sign-in attempt's outcome, as logged (event "sign-in") and handed to `onSignIn`, e.g. for an audit log. */
export interface SignInAttempt {
  username: string;
  /** The client's address, when the caller knows it. */
  address: string | undefined;
  outcome: 'success' | 'bad-credentials' | 'throttled';
  /** When throttled: how long until the next attempt is allowed. */
  retryAfterMs?: number;
}

export interface AgentDirectoryOptions {
  /**
   * The configured people (GATEWAY_AGENTS, the embedded demo): with `users`, a seed inserted at start() where the id
   * is missing, never overwriting a row; without, the only users (in memory).
   */
  agents: readonly AgentRecord[];
  /** Where users live (PostgreSQL, or PGlite embedded); default in memory, holding `agents`. Sign-in reads it. */
  users?: UserStore;
  /** How often the cached users (token checks, rosters) are read again from `users`, for other replicas' changes. Default 5000. */
  usersRefreshMs?: number;
  /** Shared by every gateway replica so each accepts the others' tokens; at least 32 characters. */
  tokenSecret: string;
  tokenTtlMs?: number;
  clock?: Clock;
  /**
   * The scrypt parameters of every stored hash (default: hashPassword's). Each sign-in path pays exactly
   * one scrypt with them, so timing cannot tell unknown usernames from known ones; a hash made with other
   * parameters is refused at start-up (rehash it with hashPassword).
   */
  passwordParams?: ScryptParams;
  /** Failed sign-ins per username and address; default a memory store with DEFAULT_SIGN_IN_LIMITS (one replica only). */
  signInThrottle?: SignInThrottle;
  /** Revoked tokens; default in memory (one replica only). Replicas must share one (Redis). */
  revocations?: TokenRevocationStore;
  /** Called after the "sign-in" log line of every attempt. */
  onSignIn?: (attempt: SignInAttempt) => void;
  logger?: Logger;
}

const TOKEN_VERSION = 'v1';

interface TokenClaims {
  sub: string;
  /** Token id: what a revocation names. */
  jti: string;
  iat: number;
  exp: number;
}

/**
 * The agents who may sign in, and stateless bearer tokens for them: HMAC-SHA256 over the claims with a
 * secret shared by all replicas, so no session store is needed and any replica verifies any token.
 */
export class AgentDirectory {
  /** The users as last read (or changed here): token checks and rosters read it without a round trip. */
  private agents: Map<string, UserRecord>;
  private readonly seed: readonly AgentRecord[];
  private readonly users: UserStore;
  private readonly usersRefreshMs: number;
  private readonly params: ScryptParams;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly secret: Buffer;
  private readonly tokenTtlMs: number;
  private readonly clock: Clock;
  private readonly dummyHash: string;
  private readonly throttle: SignInThrottle;
  private readonly revocations: TokenRevocationStore;
  private readonly onSignIn: ((attempt: SignInAttempt) => void) | undefined;
  private readonly logger: Logger;

  constructor(options: AgentDirectoryOptions) {
    if (options.tokenSecret.length < 32) throw new Error('tokenSecret must be at least 32 characters');
    const params = options.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
    const odd = options.agents.filter((agent) => !sameParams(scryptParamsOf(agent.passwordHash), params));
    if (odd.length > 0) {
      // A cheaper (or dearer) hash would answer faster (or slower) than an unknown username does.
      throw new Error(
        `Agents ${odd.map((agent) => agent.id).join(', ')}: passwordHash must be a scrypt hash with N=${params.N} r=${params.r} p=${params.p}; rehash with hashPassword`,
      );
    }
    const at = (options.clock ?? systemClock).now();
    this.agents = new Map(options.agents.map((agent) => [agent.id, { ...agent, disabled: false, createdAt: at, updatedAt: at }]));
    this.seed = options.agents;
    // Without a store, the configured people are the users, at once: the directory works before start(), as it always has.
    this.users = options.users ?? new MemoryUserStore(options.agents, at);
    this.usersRefreshMs = options.usersRefreshMs ?? 5_000;
    this.params = params;
    this.secret = Buffer.from(options.tokenSecret, 'utf8');
    this.tokenTtlMs = options.tokenTtlMs ?? 12 * 60 * 60 * 1000;
    this.clock = options.clock ?? systemClock;
    this.dummyHash = unmatchableHash(params);
    this.throttle = options.signInThrottle ?? new SignInThrottle(new MemorySignInThrottleStore(this.clock), {}, this.clock);
    this.revocations = options.revocations ?? new MemoryTokenRevocationStore(this.clock);
    this.onSignIn = options.onSignIn;
    this.logger = options.logger ?? createLogger('agent-sign-in');
  }

  /**
   * Seeds the user store with the configured people (missing ids only), reads every user, and re-reads them every
   * usersRefreshMs so another replica's changes reach this one's token checks. Sign-in always reads the store.
   */
  async start(): Promise<void> {
    const inserted = await this.users.seed(this.seed, this.clock.now());
    if (inserted.length > 0) this.logger.info({ event: 'users-seeded', users: inserted }, 'configured users added to the user store');
    await this.refresh();
    this.refreshTimer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'could not re-read the users; keeping the last ones'));
    }, this.usersRefreshMs);
    this.refreshTimer.unref();
  }

  stop(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  /** Reads every user from the store into the cache. */
  async refresh(): Promise<void> {
    const users = await this.users.list();
    this.agents = new Map(users.map((user) => [user.id, user]));
  }

  /** Enabled users (rosters, transfer targets). */
  list(): AgentProfile[] {
    return [...this.agents.values()].filter((agent) => !agent.disabled).map(profileOf);
  }

  /** An enabled user's profile, as last read; null when unknown or disabled. */
  getAgent(agentId: string): AgentProfile | null {
    const agent = this.agents.get(agentId);
    return agent && !agent.disabled ? profileOf(agent) : null;
  }

  /** Every user, disabled ones too, read from the store (admins' list). */
  async listUsers(): Promise<UserAccount[]> {
    const users = await this.users.list();
    return users.map(accountOf);
  }

  /** Adds a user (ConflictError user-exists); the password is hashed here with the sign-in parameters. */
  async createUser(input: Omit<AgentRecord, 'passwordHash'> & { password: string }): Promise<UserAccount> {
    const { password, ...rest } = input;
    const created = await this.users.create({ ...rest, passwordHash: await hashPassword(password, this.params) }, this.clock.now());
    this.agents.set(created.id, created);
    return accountOf(created);
  }

  /**
   * Changes a user; undefined when unknown. Disabling one, or a new password, ends every session they have open
   * (revokeAllFor: their tokens are refused by every replica, their sockets closed at the next check).
   */
  async updateUser(agentId: string, patch: Omit<UserPatch, 'passwordHash'> & { password?: string }): Promise<UserAccount | undefined> {
    const { password, ...rest } = patch;
    const change: UserPatch = { ...rest, ...(password === undefined ? {} : { passwordHash: await hashPassword(password, this.params) }) };
    const updated = await this.users.update(agentId, change, this.clock.now());
    if (!updated) return undefined;
    this.agents.set(updated.id, updated);
    if (patch.disabled === true || password !== undefined) await this.revokeAllFor(agentId);
    return accountOf(updated);
  }

  /**
   * Checks the password and issues a token; one message for every failure, so usernames cannot be probed.
   * TooManySignInsError while the username or the address is throttled (the password is then not checked).
   * Every outcome is logged as event "sign-in" with username, address and outcome.
   */
  async authenticate(
    username: string,
    password: string,
    context: { address?: string | undefined } = {},
  ): Promise<{ agent: AgentProfile } & IssuedToken> {
    const address = context.address;
    try {
      await this.throttle.check(username, address);
    } catch (error) {
      if (error instanceof TooManySignInsError) this.report({ username, address, outcome: 'throttled', retryAfterMs: error.retryAfterMs });
      throw storeFailure(error);
    }
    // The store, not the cache: a user created, re-enabled or given a new password on another replica signs in at once.
    const stored = await this.users.find(username).catch((error: unknown) => {
      throw storeFailure(error);
    });
    if (stored) this.agents.set(stored.id, stored);
    // A disabled user is refused like an unknown one, at the same cost: the answer does not say the account exists.
    const agent = stored && !stored.disabled ? stored : undefined;
    // Every path costs exactly one scrypt with the same parameters (unknown users verify an unmatchable
    // hash), so response time does not reveal which usernames exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? this.dummyHash);
    if (!agent || !ok) {
      await this.throttle.recordFailure(username, address).catch((error: unknown) => {
        throw storeFailure(error);
      });
      this.report({ username, address, outcome: 'bad-credentials' });
      throw new AuthenticationFailedError('Unknown username or wrong password', AuthErrorCode.BadCredentials);
    }
    await this.throttle.recordSuccess(username).catch((error: unknown) => {
      throw storeFailure(error);
    });
    this.report({ username, address, outcome: 'success' });
    return { agent: profileOf(agent), ...this.issueToken(agent.id) };
  }

  issueToken(agentId: string): IssuedToken {
    const iat = this.clock.now();
    const claims: TokenClaims = { sub: agentId, jti: randomBytes(16).toString('base64url'), iat, exp: iat + this.tokenTtlMs };
    const body = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${body}.${this.sign(body)}`, expiresAt: claims.exp };
  }

  /** The token's agent; AuthenticationFailedError when it is malformed, forged, expired, revoked or the agent is gone. */
  async verifyToken(token: string): Promise<AgentProfile> {
    return (await this.verifySession(token)).agent;
  }

  /** As verifyToken, with the token's id and times (for sign-out and for closing sockets when it ends). */
  async verifySession(token: string): Promise<AgentSession> {
    const signed = this.verifySignature(token);
    const agent = await this.sessionAgent(signed.agentId);
    const session: AgentSession = { ...signed, agent: profileOf(agent) };
    const revoked = await this.revocations.revokedAmong([session]).catch((error: unknown) => {
      throw storeFailure(error);
    });
    if (revoked.size > 0) throw new AuthenticationFailedError('Token revoked; sign in again', AuthErrorCode.TokenRevoked);
    return session;
  }

  /** Revokes this token now, on every replica (sign-out). */
  async revoke(session: Pick<AgentSession, 'tokenId' | 'expiresAt'>): Promise<void> {
    await this.revocations.revoke(session.tokenId, session.expiresAt);
  }

  /** Revokes every token issued to the agent so far (e.g. disabled, or a new password). */
  async revokeAllFor(agentId: string): Promise<void> {
    await this.revocations.revokeAllFor(agentId, this.clock.now(), this.tokenTtlMs);
  }

  /** Which of these sessions are revoked; one store round trip for all (the open-socket sweep). */
  async revokedAmong(sessions: readonly TokenRef[]): Promise<Set<string>> {
    return this.revocations.revokedAmong(sessions);
  }

  /** The token's user: the cache, else the store (created on another replica since the last refresh); 401 when gone or disabled. */
  private async sessionAgent(agentId: string): Promise<UserRecord> {
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = await this.users.find(agentId).catch((error: unknown) => {
        throw storeFailure(error);
      });
      if (agent) this.agents.set(agent.id, agent);
    }
    if (!agent) throw new AuthenticationFailedError('Unknown agent', AuthErrorCode.BadToken);
    if (agent.disabled) throw new AuthenticationFailedError('Account disabled; ask an admin', AuthErrorCode.TokenRevoked);
    return agent;
  }

  private verifySignature(token: string): Omit<AgentSession, 'agent'> {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_VERSION) throw new AuthenticationFailedError('Malformed token', AuthErrorCode.BadToken);
    const body = `${parts[0]}.${parts[1]}`;
    const given = Buffer.from(parts[2] ?? '', 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationFailedError('Invalid token signature', AuthErrorCode.BadToken);
    }
    const claims = parseClaims(parts[1] ?? '');
    if (!claims) throw new AuthenticationFailedError('Malformed token', AuthErrorCode.BadToken);
    if (claims.exp <= this.clock.now()) throw new AuthenticationFailedError('Token expired; sign in again', AuthErrorCode.TokenExpired);
    return { agentId: claims.sub, tokenId: claims.jti, issuedAt: claims.iat, expiresAt: claims.exp };
  }

  private report(attempt: SignInAttempt): void {
    const line = { event: 'sign-in', ...attempt };
    if (attempt.outcome === 'success') this.logger.info(line, 'sign-in succeeded');
    else this.logger.warn(line, `sign-in refused: ${attempt.outcome}`);
    this.onSignIn?.(attempt);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** A user as admins see them: the profile, whether disabled, and when created or changed; never the hash. */
export interface UserAccount extends AgentProfile {
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

function accountOf(user: UserRecord): UserAccount {
  return { ...profileOf(user), disabled: user.disabled, createdAt: user.createdAt, updatedAt: user.updatedAt };
}

function profileOf(agent: AgentRecord): AgentProfile {
  return {
    id: agent.id,
    displayName: agent.displayName,
    capacity: agent.capacity,
    ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: { ...agent.capacityByChannel } }),
    skills: [...agent.skills],
    role: agent.role,
    brands: [...agent.brands],
  };
}

function parseClaims(encoded: string): TokenClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { sub, jti, iat, exp } = value as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof jti !== 'string' || jti.length === 0 || typeof iat !== 'number' || typeof exp !== 'number') return null;
    return { sub, jti, iat, exp };
  } catch {
    return null;
  }
}

/**
 * A store that cannot answer (Redis down) fails closed: no sign-in and no token accepted, but as a retryable
 * 503 rather than a 500, since trying again shortly will work.
 */
function storeFailure(error: unknown): unknown {
  if (error instanceof PerchError) return error;
  return new RetryableError<AuthErrorCode>(`Sign-in state unavailable: ${error instanceof Error ? error.message : String(error)}`, AuthErrorCode.AuthUnavailable, undefined, 1_000);
}

function sameParams(a: ScryptParams | null, b: ScryptParams): boolean {
  return a !== null && a.N === b.N && a.r === b.r && a.p === b.p;
}
