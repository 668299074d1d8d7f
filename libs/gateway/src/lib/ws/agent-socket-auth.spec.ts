import { MemoryTokenRevocationStore } from '@perch/agents';
import { TwitterApiXAdapter } from '@perch/x-client';
import { WebSocket } from 'ws';

import { WS_CLOSE_UNAUTHENTICATED } from '../gateway.constants';
import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, type GatewayTestbedOptions, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { AgentSocketHub } from './agent-socket-hub.service';

// Who may open /ws and how long a socket lives: no longer than its token.

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
const AGENTS = [
  { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse' },
  { id: 'bob', displayName: 'Bob Builder', password: 'battery staple' },
];

function signIn(testbed: GatewayTestbed, username: string, password: string): Promise<string> {
  return testbedClient(() => testbed.baseUrl).signIn(username, password);
}

function start(extra: Partial<GatewayTestbedOptions> = {}): Promise<GatewayTestbed> {
  return startGatewayTestbed({ xApi: NO_X, brands: [], agents: AGENTS, ...extra });
}

describe('AgentSocketServer authentication', () => {
  let testbed: GatewayTestbed;
  let now: number;
  const clock = { now: () => now };

  beforeAll(async () => {
    now = Date.now();
    testbed = await start({
      auth: { clock, tokenTtlMs: 60 * 60 * 1000, revocations: new MemoryTokenRevocationStore(clock) },
      options: { socketAuthTimeoutMs: 300, revocationCheckIntervalMs: 60 * 60 * 1000 },
    });
  });

  afterAll(async () => {
    await testbed.close();
  });

  it('says hello once the first message carries a valid token, and then serves the socket', async () => {
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn(testbed, 'ada', 'correct horse'));
    try {
      socket.send({ type: 'ping' });
      await socket.next('pong');
    } finally {
      await socket.close();
    }
  });

  it('closes with 4401 a socket that does not authenticate in time, and sends it nothing', async () => {
    const socket = await AgentSocketProbe.open(testbed.baseUrl);
    expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'auth-timeout' });
    expect(socket.messages).toEqual([]);
  });

  it('closes with 4401 a socket whose first message is not an auth message', async () => {
    const socket = await AgentSocketProbe.open(testbed.baseUrl);
    socket.send({ type: 'ping' });
    expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'auth-required' });
    expect(socket.messages).toEqual([]);
  });

  it('closes with 4401 a socket that sends a forged token', async () => {
    const socket = await AgentSocketProbe.open(testbed.baseUrl);
    socket.send({ type: 'auth', token: 'v1.forged.token' });
    expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'bad-token' });
  });

  it('closes with 4401 a socket that sends an expired token', async () => {
    const token = testbed.agents.issueToken('ada').token;
    now += 60 * 60 * 1000;
    try {
      const socket = await AgentSocketProbe.open(testbed.baseUrl);
      socket.send({ type: 'auth', token });
      expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-expired' });
    } finally {
      now -= 60 * 60 * 1000;
    }
  });

  it('closes with 4401 a socket that sends a signed-out token', async () => {
    const token = await signIn(testbed, 'ada', 'correct horse');
    await fetch(`${testbed.baseUrl}/api/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const socket = await AgentSocketProbe.open(testbed.baseUrl);
    socket.send({ type: 'auth', token });
    expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-revoked' });
  });

  it('no longer accepts the token in the URL (it would end up in access logs)', async () => {
    const token = await signIn(testbed, 'ada', 'correct horse');
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${testbed.baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('connected with the token in the URL')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(400);
  });

  it('closes the sockets of a token at once when it signs out on this replica, and not the agent’s other sockets', async () => {
    const token = await signIn(testbed, 'ada', 'correct horse');
    const signedOut = await AgentSocketProbe.connect(testbed.baseUrl, token);
    const otherDevice = await AgentSocketProbe.connect(testbed.baseUrl, await signIn(testbed, 'ada', 'correct horse'));
    try {
      const response = await fetch(`${testbed.baseUrl}/api/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(204);
      expect(await signedOut.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'signed-out' });
      otherDevice.send({ type: 'ping' });
      await otherDevice.next('pong');
    } finally {
      await otherDevice.close();
    }
  });

  it('checks all open sockets for revocations in one store question, and closes only the revoked ones', async () => {
    const hub = testbed.app.get(AgentSocketHub);
    const tokens = await Promise.all([signIn(testbed, 'ada', 'correct horse'), signIn(testbed, 'ada', 'correct horse'), signIn(testbed, 'bob', 'battery staple')]);
    const sockets = await Promise.all(tokens.map((token) => AgentSocketProbe.connect(testbed.baseUrl, token)));
    try {
      // Revoked elsewhere: the store knows, this replica's hub was not told.
      await testbed.agents.revoke(await testbed.agents.verifySession(tokens[0] ?? ''));
      const asked = jest.spyOn(testbed.agents, 'revokedAmong');
      expect(await hub.closeRevoked()).toBe(1);
      expect(asked).toHaveBeenCalledTimes(1);
      expect(asked.mock.calls[0]?.[0]).toHaveLength(3);
      asked.mockRestore();
      expect(await sockets[0]?.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-revoked' });
      sockets[2]?.send({ type: 'ping' });
      await sockets[2]?.next('pong');
    } finally {
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  });
});

describe('AgentSocketHub closes sockets whose token ends', () => {
  it('closes a socket (4401 token-expired) when its token expires', async () => {
    const testbed = await start({ auth: { tokenTtlMs: 1_000 } });
    try {
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn(testbed, 'ada', 'correct horse'));
      expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-expired' });
    } finally {
      await testbed.close();
    }
  });

  it('closes, on its own periodic check, a socket whose token another replica revoked', async () => {
    const revocations = new MemoryTokenRevocationStore();
    // Two replicas sharing the revocation store, as two gateways share Redis.
    const replicaA = await start({ auth: { revocations }, options: { revocationCheckIntervalMs: 50, replicaId: 'a' } });
    const replicaB = await start({ auth: { revocations }, options: { revocationCheckIntervalMs: 50, replicaId: 'b' } });
    try {
      const token = await signIn(replicaA, 'ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(replicaA.baseUrl, token);
      const response = await fetch(`${replicaB.baseUrl}/api/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(204);
      expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-revoked' });
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it('closes every socket of an agent whose tokens were all revoked (revokeAllFor)', async () => {
    const testbed = await start({ options: { revocationCheckIntervalMs: 50 } });
    try {
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn(testbed, 'ada', 'correct horse'));
      await new Promise((resolve) => setTimeout(resolve, 2));
      await testbed.agents.revokeAllFor('ada');
      expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-revoked' });
    } finally {
      await testbed.close();
    }
  });
});
