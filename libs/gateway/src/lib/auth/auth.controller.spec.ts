import {
  type AgentDirectory,
  AuthenticationFailedError,
  MemorySignInThrottleStore,
  MemoryTokenRevocationStore,
  SignInThrottle,
  TooManySignInsError,
} from '@perch/agents';
import { Topics } from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';
import { RoutingStoreAgentStateReader } from '@perch/routing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { type UnitServices, unitServices } from '../testing/gateway-unit.fixtures';
import { createTestbedDirectory, type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { type AgentSocketHub } from '../ws/agent-socket-hub.service';
import { AuthController } from './auth.controller';

interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

// Nothing here talks to X: an address where nothing listens.
const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });

describe('AuthController', () => {
  let testbed: GatewayTestbed;
  let now: number;
  const clock = { now: () => now };

  async function request(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse> {
    const response = await fetch(`${testbed.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  function signIn(username: string, password: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return request('POST', '/api/auth/sign-in', { body: { username, password }, headers });
  }

  async function tokenOf(username: string, password: string): Promise<string> {
    const response = await signIn(username, password);
    expect(response.status).toBe(201);
    return String(response.body['token']);
  }

  beforeEach(async () => {
    now = Date.now();
    testbed = await startGatewayTestbed({
      xApi: NO_X,
      brands: [],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse' },
        { id: 'bob', displayName: 'Bob Builder', password: 'battery staple' },
      ],
      auth: {
        clock,
        tokenTtlMs: 60 * 60 * 1000,
        revocations: new MemoryTokenRevocationStore(clock),
        signInThrottle: new SignInThrottle(
          new MemorySignInThrottleStore(clock),
          { maxFailuresPerUser: 3, maxFailuresPerAddress: 6, windowMs: 15 * 60 * 1000 },
          clock,
        ),
      },
    });
  });

  afterEach(async () => {
    await testbed.close();
  });

  describe('POST /api/auth/sign-in', () => {
    it('answers 429 too-many-sign-ins with Retry-After once a username failed too often, even with the right password', async () => {
      for (let i = 0; i < 3; i += 1) expect((await signIn('ada', 'wrong')).status).toBe(401);
      const refused = await signIn('ada', 'correct horse');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('900');
      expect(refused.body).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'too-many-sign-ins',
        message: expect.stringMatching(/^Too many failed sign-ins; try again in 15 minutes \(after \d{4}-\d\d-\d\dT/),
        details: { retryAfterSeconds: 900 },
      });
      // Another username from the same address is not blocked by ada's count.
      expect((await signIn('bob', 'battery staple')).status).toBe(201);
      now += 15 * 60 * 1000;
      expect((await signIn('ada', 'correct horse')).status).toBe(201);
    });

    it('throttles the client address across usernames, and ignores X-Forwarded-For unless the proxy is trusted', async () => {
      for (let i = 0; i < 6; i += 1) {
        expect((await signIn(`guess-${i}`, 'x', { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(401);
      }
      // The forged header changes nothing: the address is the TCP peer.
      expect((await signIn('bob', 'battery staple', { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);
    });

    it('counts the forwarded client address behind a trusted proxy (GATEWAY_TRUST_PROXY)', async () => {
      (testbed.app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', 'loopback');
      for (let i = 0; i < 6; i += 1) {
        expect((await signIn(`guess-${i}`, 'x', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(401);
      }
      expect((await signIn('bob', 'battery staple', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
      expect((await signIn('bob', 'battery staple', { 'x-forwarded-for': '203.0.113.8' })).status).toBe(201);
    });
  });

  describe('POST /api/auth/sign-out', () => {
    it('answers 204 and revokes the token: the next call with it gets 401 token-revoked, other tokens still work', async () => {
      const token = await tokenOf('ada', 'correct horse');
      const other = await tokenOf('ada', 'correct horse');
      expect((await request('GET', '/api/agents/me', { token })).status).toBe(200);
      const signedOut = await request('POST', '/api/auth/sign-out', { token });
      expect(signedOut.status).toBe(204);
      expect(await request('GET', '/api/agents/me', { token })).toMatchObject({ status: 401, body: { code: 'token-revoked' } });
      expect(await request('POST', '/api/auth/sign-out', { token })).toMatchObject({ status: 401, body: { code: 'token-revoked' } });
      expect((await request('GET', '/api/agents/me', { token: other })).status).toBe(200);
    });

    it('refuses a caller without a token, with a bad one or with an expired one (401)', async () => {
      expect(await request('POST', '/api/auth/sign-out')).toMatchObject({ status: 401, body: { code: 'missing-token' } });
      expect(await request('POST', '/api/auth/sign-out', { token: 'v1.forged.token' })).toMatchObject({ status: 401, body: { code: 'bad-token' } });
      const token = await tokenOf('bob', 'battery staple');
      now += 60 * 60 * 1000;
      expect(await request('POST', '/api/auth/sign-out', { token })).toMatchObject({ status: 401, body: { code: 'token-expired' } });
    });
  });

  describe('every signed-in endpoint', () => {
    it("refuses a token revoked with the agent's other tokens (revokeAllFor), on REST at the next call", async () => {
      const token = await tokenOf('ada', 'correct horse');
      now += 1;
      await testbed.agents.revokeAllFor('ada');
      expect(await request('GET', '/api/interactions', { token })).toMatchObject({ status: 401, body: { code: 'token-revoked' } });
      now += 1;
      const fresh = await tokenOf('ada', 'correct horse');
      expect((await request('GET', '/api/interactions', { token: fresh })).status).toBe(200);
    });
  });
});

/** The sockets this replica holds, as far as sign-out needs them: which tokens were closed, and why. */
class FakeSocketHub {
  readonly closed: { tokenId: string; reason: string; offlineSent: boolean }[] = [];

  closeToken(tokenId: string, reason: string, options: { offlineSent?: boolean } = {}): number {
    this.closed.push({ tokenId, reason, offlineSent: options.offlineSent ?? false });
    return 1;
  }
}

/** A bus that cannot take the command (Kafka unreachable). */
class DownBus extends RecordingEventPublisher {
  override async publish(): Promise<never> {
    throw new Error('broker unreachable');
  }
}

describe('AuthController (unit)', () => {
  let now: number;
  const clock = { now: () => now };
  let agents: AgentDirectory;
  let hub: FakeSocketHub;
  let services: UnitServices;
  let controller: AuthController;

  beforeEach(async () => {
    now = 1_760_000_000_000;
    agents = await createTestbedDirectory([{ id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', brands: ['PerchAir'] }], {
      clock,
      tokenTtlMs: 60 * 60 * 1000,
      revocations: new MemoryTokenRevocationStore(clock),
      signInThrottle: new SignInThrottle(new MemorySignInThrottleStore(clock), { maxFailuresPerUser: 2, maxFailuresPerAddress: 4, windowMs: 60_000 }, clock),
    });
    hub = new FakeSocketHub();
    services = unitServices();
    controller = new AuthController(agents, hub as unknown as AgentSocketHub, services.commands);
  });

  it('signs an agent in with the right password: a token that works, when it expires, and who they are', async () => {
    const answer = await controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.7');
    expect(answer).toMatchObject({ expiresAt: now + 60 * 60 * 1000, agent: { id: 'ada', displayName: 'Ada Lovelace', brands: ['PerchAir'] } });
    expect((await agents.verifySession(answer.token)).agent.id).toBe('ada');
  });

  it('refuses a wrong password or an unknown username alike (401 bad-credentials)', async () => {
    for (const body of [{ username: 'ada', password: 'wrong' }, { username: 'nobody', password: 'correct horse' }]) {
      await expect(controller.signIn(body, '203.0.113.7')).rejects.toThrow(AuthenticationFailedError);
      await expect(controller.signIn(body, '203.0.113.8')).rejects.toMatchObject({ code: 'bad-credentials' });
    }
  });

  it('refuses with 429 too-many-sign-ins once the username failed too often, even with the right password', async () => {
    await expect(controller.signIn({ username: 'ada', password: 'wrong' }, '203.0.113.7')).rejects.toMatchObject({ code: 'bad-credentials' });
    await expect(controller.signIn({ username: 'ada', password: 'wrong' }, '203.0.113.7')).rejects.toMatchObject({ code: 'bad-credentials' });
    const refused = controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.9');
    await expect(refused).rejects.toThrow(TooManySignInsError);
    await expect(controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.9')).rejects.toMatchObject({
      code: 'too-many-sign-ins',
      retryAfterMs: 60_000,
    });
    now += 60_000;
    await expect(controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.9')).resolves.toMatchObject({ agent: { id: 'ada' } });
  });

  it("counts failures per caller address too: the address that guessed is throttled, another is not", async () => {
    for (const username of ['a', 'b', 'c', 'd']) {
      await expect(controller.signIn({ username, password: 'x' }, '198.51.100.1')).rejects.toMatchObject({ code: 'bad-credentials' });
    }
    await expect(controller.signIn({ username: 'ada', password: 'correct horse' }, '198.51.100.1')).rejects.toMatchObject({ code: 'too-many-sign-ins' });
    await expect(controller.signIn({ username: 'ada', password: 'correct horse' }, '198.51.100.2')).resolves.toMatchObject({ agent: { id: 'ada' } });
  });

  it("signs out: the token is revoked and this replica's sockets on it are closed with signed-out", async () => {
    const { token } = await controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.7');
    const session = await agents.verifySession(token);
    await controller.signOut(session);
    expect(hub.closed).toEqual([{ tokenId: session.tokenId, reason: 'signed-out', offlineSent: true }]);
    await expect(agents.verifySession(token)).rejects.toMatchObject({ code: 'token-revoked' });
  });

  it('tells the router the agent signed out (offline, cause sign-out), so its offers go to others at once', async () => {
    const { token } = await controller.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.7');
    await controller.signOut(await agents.verifySession(token));
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ type: 'presence', agentId: 'ada', presence: 'offline', cause: 'sign-out' }),
    ]);
  });

  it('still signs out when the command cannot be sent, leaving the offline to the sockets closing', async () => {
    const down = new AuthController(agents, hub as unknown as AgentSocketHub, new AgentCommandsService(new DownBus('gateway'), services.holders, agents, new RoutingStoreAgentStateReader(services.routing)));
    const { token } = await down.signIn({ username: 'ada', password: 'correct horse' }, '203.0.113.7');
    const session = await agents.verifySession(token);
    await down.signOut(session);
    expect(hub.closed).toEqual([{ tokenId: session.tokenId, reason: 'signed-out', offlineSent: false }]);
    await expect(agents.verifySession(token)).rejects.toMatchObject({ code: 'token-revoked' });
  });
});
