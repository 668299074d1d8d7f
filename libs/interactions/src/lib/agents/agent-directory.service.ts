import { createHmac, timingSafeEqual } from 'node:crypto';

import { type Clock, systemClock } from '@perch/platform';

import { AuthenticationFailedError } from './agent-auth.errors';
import { hashPassword, verifyPassword } from './password-hash.util';

export interface AgentRecord {
  /** Also the sign-in username; at most 64 characters (agent.command.v1's limit). */
  id: string;
  displayName: string;
  /** From hashPassword (scrypt). */
  passwordHash: string;
  /** Interactions the agent can hold at once. */
  capacity: number;
  skills: string[];
}

/** An agent as the rest of the system sees them: never the password hash. */
export interface AgentProfile {
  id: string;
  displayName: string;
  capacity: number;
  skills: string[];
}

export interface IssuedToken {
  token: string;
  /** ms since epoch. */
  expiresAt: number;
}

export interface AgentDirectoryOptions {
  agents: readonly AgentRecord[];
  /** Shared by every gateway replica so each accepts the others' tokens; at least 32 characters. */
  tokenSecret: string;
  tokenTtlMs?: number;
  clock?: Clock;
}

const TOKEN_VERSION = 'v1';

interface TokenClaims {
  sub: string;
  iat: number;
  exp: number;
}

/**
 * The agents who may sign in, and stateless bearer tokens for them: HMAC-SHA256 over the claims with a
 * secret shared by all replicas, so no session store is needed and any replica verifies any token.
 */
export class AgentDirectory {
  private readonly agents: ReadonlyMap<string, AgentRecord>;
  private readonly secret: Buffer;
  private readonly tokenTtlMs: number;
  private readonly clock: Clock;
  private dummyHash: Promise<string> | undefined;

  constructor(options: AgentDirectoryOptions) {
    if (options.tokenSecret.length < 32) throw new Error('tokenSecret must be at least 32 characters');
    this.agents = new Map(options.agents.map((agent) => [agent.id, agent]));
    this.secret = Buffer.from(options.tokenSecret, 'utf8');
    this.tokenTtlMs = options.tokenTtlMs ?? 12 * 60 * 60 * 1000;
    this.clock = options.clock ?? systemClock;
  }

  list(): AgentProfile[] {
    return [...this.agents.values()].map(profileOf);
  }

  getAgent(agentId: string): AgentProfile | null {
    const agent = this.agents.get(agentId);
    return agent ? profileOf(agent) : null;
  }

  /** Checks the password and issues a token; one message for every failure, so usernames cannot be probed. */
  async authenticate(username: string, password: string): Promise<{ agent: AgentProfile } & IssuedToken> {
    const agent = this.agents.get(username);
    // Unknown users still cost one scrypt, so response time does not reveal which usernames exist.
    const hash = agent?.passwordHash ?? (await this.dummy());
    const ok = await verifyPassword(password, hash);
    if (!agent || !ok) throw new AuthenticationFailedError('Unknown username or wrong password', 'bad-credentials');
    return { agent: profileOf(agent), ...this.issueToken(agent.id) };
  }

  issueToken(agentId: string): IssuedToken {
    const iat = this.clock.now();
    const claims: TokenClaims = { sub: agentId, iat, exp: iat + this.tokenTtlMs };
    const body = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${body}.${this.sign(body)}`, expiresAt: claims.exp };
  }

  /** The token's agent; AuthenticationFailedError when it is malformed, forged, expired or the agent is gone. */
  verifyToken(token: string): AgentProfile {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_VERSION) throw new AuthenticationFailedError('Malformed token', 'bad-token');
    const body = `${parts[0]}.${parts[1]}`;
    const given = Buffer.from(parts[2] ?? '', 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationFailedError('Invalid token signature', 'bad-token');
    }
    const claims = parseClaims(parts[1] ?? '');
    if (!claims) throw new AuthenticationFailedError('Malformed token', 'bad-token');
    if (claims.exp <= this.clock.now()) throw new AuthenticationFailedError('Token expired; sign in again', 'token-expired');
    const agent = this.agents.get(claims.sub);
    if (!agent) throw new AuthenticationFailedError('Unknown agent', 'bad-token');
    return profileOf(agent);
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('perch-dummy-password');
    return this.dummyHash;
  }
}

function profileOf(agent: AgentRecord): AgentProfile {
  return { id: agent.id, displayName: agent.displayName, capacity: agent.capacity, skills: [...agent.skills] };
}

function parseClaims(encoded: string): TokenClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { sub, iat, exp } = value as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
    return { sub, iat, exp };
  } catch {
    return null;
  }
}
