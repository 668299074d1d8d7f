// The default import is node's own module object, the one password-hash.util calls scrypt on (a
// namespace import would be a copy, and spying on it would see nothing).
import crypto from 'node:crypto';
import { Writable } from 'node:stream';

import pino from 'pino';

import { TooManySignInsError } from './agent-auth.errors';
import { type AgentRecord, AgentDirectory, type SignInAttempt } from './agent-directory.domain';
import { agentRecordsFromJson } from './agent-records.util';
import { MemorySignInThrottleStore } from './memory-sign-in-throttle-store.adapter';
import { MemoryTokenRevocationStore } from './memory-token-revocation-store.adapter';
import { hashPassword } from './password-hash.util';
import { SignInThrottle } from './sign-in-throttle.domain';

// Sign-in hardening of AgentDirectory: equal cost on every path, throttling, revocable tokens.

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('AgentDirectory sign-in cost', () => {
  let agents: AgentRecord[];

  beforeAll(async () => {
    const hashed = await hashPassword('hashed pw');
    agents = await agentRecordsFromJson(
      JSON.stringify([
        { id: 'plain', password: 'plain pw' },
        { id: 'hashed', passwordHash: hashed },
      ]),
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** The scrypt derivations one sign-in attempt made, by their cost parameters. */
  async function derivationsOf(directory: AgentDirectory, username: string, password: string): Promise<string[]> {
    const scrypt = jest.spyOn(crypto, 'scrypt');
    await directory.authenticate(username, password).catch(() => undefined);
    const calls = scrypt.mock.calls.map((call) => {
      const options = call[3] as crypto.ScryptOptions;
      return `N=${options.N} r=${options.r} p=${options.p}`;
    });
    scrypt.mockRestore();
    return calls;
  }

  it('spends exactly one scrypt with the default parameters on every path, so timing names no username', async () => {
    const directory = new AgentDirectory({ agents, tokenSecret: SECRET });
    const one = ['N=16384 r=8 p=1'];
    expect(await derivationsOf(directory, 'nobody', 'whatever')).toEqual(one);
    expect(await derivationsOf(directory, 'nobody-else', 'whatever')).toEqual(one);
    expect(await derivationsOf(directory, 'plain', 'wrong')).toEqual(one);
    expect(await derivationsOf(directory, 'plain', 'plain pw')).toEqual(one);
    expect(await derivationsOf(directory, 'hashed', 'wrong')).toEqual(one);
    expect(await derivationsOf(directory, 'hashed', 'hashed pw')).toEqual(one);
  });

  it('uses the parameters it is given on every path, including unknown usernames', async () => {
    const cheapAgents = await agentRecordsFromJson(JSON.stringify([{ id: 'plain', password: 'plain pw' }]), { passwordParams: CHEAP });
    const directory = new AgentDirectory({ agents: cheapAgents, tokenSecret: SECRET, passwordParams: CHEAP });
    expect(await derivationsOf(directory, 'nobody', 'x')).toEqual(['N=1024 r=8 p=1']);
    expect(await derivationsOf(directory, 'plain', 'plain pw')).toEqual(['N=1024 r=8 p=1']);
  });

  it('refuses at start-up a stored hash whose cost differs, or a malformed one, naming the agents', async () => {
    const [template] = agents;
    if (!template) throw new Error('no agents');
    const cheap = { ...template, id: 'cheap', passwordHash: await hashPassword('x', CHEAP) };
    const broken = { ...template, id: 'broken', passwordHash: 'scrypt$oops' };
    expect(() => new AgentDirectory({ agents: [...agents, cheap, broken], tokenSecret: SECRET })).toThrow(
      /cheap, broken: passwordHash must be a scrypt hash with N=16384 r=8 p=1/,
    );
  });
});

describe('AgentDirectory sign-in throttling', () => {
  let agents: AgentRecord[];
  let now: number;
  const clock = { now: () => now };
  let attempts: SignInAttempt[];

  beforeAll(async () => {
    agents = await agentRecordsFromJson(
      JSON.stringify([
        { id: 'ada', password: 'correct horse' },
        { id: 'bob', password: 'bob pw' },
      ]),
      { passwordParams: CHEAP },
    );
  });

  beforeEach(() => {
    now = 1_760_000_000_000;
    attempts = [];
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function directory(limits = { maxFailuresPerUser: 3, maxFailuresPerAddress: 5, windowMs: 60_000 }): AgentDirectory {
    return new AgentDirectory({
      agents,
      tokenSecret: SECRET,
      clock,
      passwordParams: CHEAP,
      signInThrottle: new SignInThrottle(new MemorySignInThrottleStore(clock), limits, clock),
      onSignIn: (attempt) => attempts.push(attempt),
    });
  }

  it('refuses a username after too many failures, even with the right password and without checking it', async () => {
    const agentsDirectory = directory();
    for (let i = 0; i < 3; i += 1) {
      await expect(agentsDirectory.authenticate('ada', 'wrong', { address: `10.0.0.${i}` })).rejects.toMatchObject({ code: 'bad-credentials' });
    }
    const scrypt = jest.spyOn(crypto, 'scrypt');
    const refused = agentsDirectory.authenticate('ada', 'correct horse', { address: '10.0.0.9' });
    await expect(refused).rejects.toBeInstanceOf(TooManySignInsError);
    await expect(refused).rejects.toMatchObject({
      code: 'too-many-sign-ins',
      retryAfterMs: 60_000,
      message: expect.stringMatching(/try again in 1 minute \(after 2025-10-09T08:54:20\.000Z\)/),
    });
    expect(scrypt).not.toHaveBeenCalled();
    // Others are not affected.
    await expect(agentsDirectory.authenticate('bob', 'bob pw', { address: '10.0.0.9' })).resolves.toMatchObject({ agent: { id: 'bob' } });
  });

  it('lets the username try again once the window has passed', async () => {
    const agentsDirectory = directory();
    for (let i = 0; i < 3; i += 1) await agentsDirectory.authenticate('ada', 'wrong').catch(() => undefined);
    now += 30_000;
    await expect(agentsDirectory.authenticate('ada', 'correct horse')).rejects.toMatchObject({ retryAfterMs: 30_000 });
    now += 30_000;
    await expect(agentsDirectory.authenticate('ada', 'correct horse')).resolves.toMatchObject({ agent: { id: 'ada' } });
  });

  it("clears the username's failures on a successful sign-in", async () => {
    const agentsDirectory = directory();
    for (let i = 0; i < 2; i += 1) await agentsDirectory.authenticate('ada', 'wrong').catch(() => undefined);
    await agentsDirectory.authenticate('ada', 'correct horse');
    for (let i = 0; i < 2; i += 1) await agentsDirectory.authenticate('ada', 'wrong').catch(() => undefined);
    await expect(agentsDirectory.authenticate('ada', 'correct horse')).resolves.toMatchObject({ agent: { id: 'ada' } });
  });

  it('refuses an address that failed too often across usernames, but not other addresses', async () => {
    const agentsDirectory = directory();
    for (let i = 0; i < 5; i += 1) await agentsDirectory.authenticate(`guess-${i}`, 'x', { address: '203.0.113.7' }).catch(() => undefined);
    await expect(agentsDirectory.authenticate('bob', 'bob pw', { address: '203.0.113.7' })).rejects.toBeInstanceOf(TooManySignInsError);
    await expect(agentsDirectory.authenticate('bob', 'bob pw', { address: '198.51.100.1' })).resolves.toMatchObject({ agent: { id: 'bob' } });
  });

  it('reports every outcome with username, address and outcome, and logs it as a structured "sign-in" line', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const agentsDirectory = new AgentDirectory({
      agents,
      tokenSecret: SECRET,
      clock,
      passwordParams: CHEAP,
      signInThrottle: new SignInThrottle(new MemorySignInThrottleStore(clock), { maxFailuresPerUser: 1 }, clock),
      logger: pino({ level: 'info' }, sink),
    });
    await agentsDirectory.authenticate('ada', 'correct horse', { address: '10.1.1.1' });
    await agentsDirectory.authenticate('ada', 'wrong', { address: '10.1.1.1' }).catch(() => undefined);
    await agentsDirectory.authenticate('ada', 'wrong', { address: '10.1.1.1' }).catch(() => undefined);
    expect(lines.map(({ event, username, address, outcome }) => ({ event, username, address, outcome }))).toEqual([
      { event: 'sign-in', username: 'ada', address: '10.1.1.1', outcome: 'success' },
      { event: 'sign-in', username: 'ada', address: '10.1.1.1', outcome: 'bad-credentials' },
      { event: 'sign-in', username: 'ada', address: '10.1.1.1', outcome: 'throttled' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('wrong');
  });

  it('hands every attempt to onSignIn', async () => {
    const agentsDirectory = directory({ maxFailuresPerUser: 1, maxFailuresPerAddress: 20, windowMs: 60_000 });
    await agentsDirectory.authenticate('nobody', 'x', { address: '10.2.2.2' }).catch(() => undefined);
    await agentsDirectory.authenticate('nobody', 'x', { address: '10.2.2.2' }).catch(() => undefined);
    await agentsDirectory.authenticate('bob', 'bob pw', { address: '10.2.2.2' });
    expect(attempts).toEqual([
      { username: 'nobody', address: '10.2.2.2', outcome: 'bad-credentials' },
      { username: 'nobody', address: '10.2.2.2', outcome: 'throttled', retryAfterMs: 60_000 },
      { username: 'bob', address: '10.2.2.2', outcome: 'success' },
    ]);
  });
});

describe('AgentDirectory token revocation', () => {
  let agents: AgentRecord[];
  let now: number;
  const clock = { now: () => now };

  beforeAll(async () => {
    agents = await agentRecordsFromJson(JSON.stringify([{ id: 'ada', password: 'correct horse' }]), { passwordParams: CHEAP });
  });

  beforeEach(() => {
    now = 1_760_000_000_000;
  });

  function replicas(): [AgentDirectory, AgentDirectory] {
    const revocations = new MemoryTokenRevocationStore(clock);
    return [
      new AgentDirectory({ agents, tokenSecret: SECRET, clock, passwordParams: CHEAP, revocations }),
      new AgentDirectory({ agents, tokenSecret: SECRET, clock, passwordParams: CHEAP, revocations }),
    ];
  }

  it('gives every token its own id and its times', async () => {
    const [directory] = replicas();
    const first = await directory.verifySession(directory.issueToken('ada').token);
    const second = await directory.verifySession(directory.issueToken('ada').token);
    expect(first).toMatchObject({ agentId: 'ada', issuedAt: now, expiresAt: now + 12 * 3600 * 1000, agent: { id: 'ada' } });
    expect(first.tokenId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(second.tokenId).not.toBe(first.tokenId);
  });

  it('refuses a revoked token on every replica sharing the store, and only that token', async () => {
    const [a, b] = replicas();
    const revoked = await a.authenticate('ada', 'correct horse');
    const kept = await a.authenticate('ada', 'correct horse');
    await a.revoke(await a.verifySession(revoked.token));
    await expect(b.verifyToken(revoked.token)).rejects.toMatchObject({ code: 'token-revoked' });
    await expect(b.verifyToken(kept.token)).resolves.toMatchObject({ id: 'ada' });
  });

  it("revokes all of an agent's tokens issued so far, but not those issued afterwards", async () => {
    const [a, b] = replicas();
    const before = [a.issueToken('ada').token, b.issueToken('ada').token];
    now += 1;
    await b.revokeAllFor('ada');
    for (const token of before) await expect(a.verifyToken(token)).rejects.toMatchObject({ code: 'token-revoked' });
    now += 1;
    const after = a.issueToken('ada').token;
    await expect(b.verifyToken(after)).resolves.toMatchObject({ id: 'ada' });
    const sessions = await Promise.all([after].map((token) => a.verifySession(token)));
    expect(await a.revokedAmong(sessions)).toEqual(new Set());
  });

  it('refuses a token without an id (issued before tokens could be revoked)', async () => {
    const [directory] = replicas();
    const claims = Buffer.from(JSON.stringify({ sub: 'ada', iat: now, exp: now + 60_000 })).toString('base64url');
    const body = `v1.${claims}`;
    const signature = crypto.createHmac('sha256', SECRET).update(body).digest('base64url');
    await expect(directory.verifyToken(`${body}.${signature}`)).rejects.toMatchObject({ code: 'bad-token' });
  });
});

describe('AgentDirectory when its stores cannot answer', () => {
  it('fails closed with a retryable error: no sign-in and no token accepted', async () => {
    const agents = await agentRecordsFromJson(JSON.stringify([{ id: 'ada', password: 'correct horse' }]), { passwordParams: CHEAP });
    const down = (): Promise<never> => Promise.reject(new Error('connection refused'));
    const working = new AgentDirectory({ agents, tokenSecret: SECRET, passwordParams: CHEAP });
    const broken = new AgentDirectory({
      agents,
      tokenSecret: SECRET,
      passwordParams: CHEAP,
      signInThrottle: new SignInThrottle({ read: down, hit: down, reset: down }),
      revocations: { revoke: down, revokeAllFor: down, revokedAmong: down },
    });
    await expect(broken.authenticate('ada', 'correct horse')).rejects.toMatchObject({ code: 'auth-unavailable', retryAfterMs: 1_000 });
    await expect(broken.verifyToken(working.issueToken('ada').token)).rejects.toMatchObject({ code: 'auth-unavailable' });
  });
});
