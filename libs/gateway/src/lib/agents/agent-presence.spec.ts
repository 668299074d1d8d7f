import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

// Presence over the wire: the router's state (the FakeRouter plays it, as the real router publishes routing.agent.v1)
// reaches the agent's sockets whoever changed it, REST reads it back, and sign-out or a lost connection says offline.

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
const AGENTS = [
  { id: 'ada', displayName: 'Ada', password: 'ada pw', capacity: 3, brands: [PERCH_AIR.username] },
  { id: 'sam', displayName: 'Sam', password: 'sam pw' },
  { id: 'carol', displayName: 'Carol', password: 'carol pw', role: 'supervisor' as const },
];

describe('presence: the router’s truth on every desktop', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeEach(async () => {
    testbed = await startGatewayTestbed({ xApi: NO_X, brands: [PERCH_AIR], agents: AGENTS, options: { consistencyWaitMs: 0 } });
  });

  afterEach(async () => {
    await testbed.close();
  });

  it('pushes the state the router set to every socket of the agent, and GET answers the same', async () => {
    const token = await signIn('ada', 'ada pw');
    const first = await AgentSocketProbe.connect(testbed.baseUrl, token);
    const second = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('ada', 'ada pw'));
    try {
      expect(await request('GET', '/api/agents/me/presence', undefined, token)).toMatchObject({
        status: 200,
        body: { state: 'offline', since: null, reasons: ['break', 'meeting', 'training'] },
      });
      expect((await request('PUT', '/api/agents/me/presence', { state: 'not-ready', reason: 'break' }, token)).status).toBe(202);
      for (const socket of [first, second]) {
        expect(await socket.next('presence')).toMatchObject({ type: 'presence', state: 'not-ready', reason: 'break', cause: 'agent', load: 0 });
      }
      expect((await request('GET', '/api/agents/me/presence', undefined, token)).body).toMatchObject({ state: 'not-ready', reason: 'break' });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('answers 400 naming the reason: none with not-ready, an unknown one, one with ready', async () => {
    const token = await signIn('ada', 'ada pw');
    for (const body of [{ state: 'not-ready' }, { state: 'not-ready', reason: 'nap' }, { state: 'ready', reason: 'break' }]) {
      const refused = await request('PUT', '/api/agents/me/presence', body, token);
      expect(refused).toMatchObject({ status: 400, body: { code: 'validation-failed', problems: [expect.objectContaining({ field: 'reason' })] } });
    }
    expect(testbed.router.commands).toEqual([]);
  });

  it('shows a missed offer as not ready (missed-offer) on the socket and over REST, and the offer gone', async () => {
    const token = await signIn('ada', 'ada pw');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      await request('PUT', '/api/agents/me/presence', { state: 'ready' }, token);
      await socket.next('presence', (m) => m.state === 'ready');
      const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
      await socket.next('offer');
      await waitFor('the offer projected', async () => (await testbed.store.get(interactionId))?.state === 'offered', 5_000);
      expect((await request('GET', '/api/agents/me/offers', undefined, token)).body).toEqual([expect.objectContaining({ interactionId, offerId })]);

      await testbed.router.timeOutOffer(interactionId);
      expect(await socket.next('offer-timed-out')).toMatchObject({ interactionId });
      expect(await socket.next('presence', (m) => m.state !== 'ready')).toMatchObject({
        state: 'not-ready',
        reason: 'missed-offer',
        cause: 'offer-timeout',
        interactionId,
      });
      expect((await request('GET', '/api/agents/me/presence', undefined, token)).body).toMatchObject({ state: 'not-ready', reason: 'missed-offer' });
      expect((await request('GET', '/api/agents/me/offers', undefined, token)).body).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it("lets a supervisor set an agent's presence, which the agent's desktop shows at once; agents get 403, an unknown agent 404", async () => {
    const adaToken = await signIn('ada', 'ada pw');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, adaToken);
    try {
      const carol = await signIn('carol', 'carol pw');
      const set = await request('PUT', '/api/agents/ada/presence', { state: 'not-ready', reason: 'meeting' }, carol);
      expect(set).toMatchObject({ status: 202, body: { agentId: 'ada', commandId: expect.any(String) } });
      expect(await socket.next('presence')).toMatchObject({ state: 'not-ready', reason: 'meeting', cause: 'supervisor', actorId: 'carol' });
      expect(await request('PUT', '/api/agents/ada/presence', { state: 'ready' }, await signIn('sam', 'sam pw'))).toMatchObject({
        status: 403,
        body: { code: 'role-required' },
      });
      expect(await request('PUT', '/api/agents/nobody/presence', { state: 'ready' }, carol)).toMatchObject({ status: 404, body: { code: 'unknown-agent' } });
      const audited = await testbed.audit.query({ action: 'presence' });
      expect(audited.entries.find((e) => e.actor.id === 'carol' && e.outcome === 'succeeded')?.details).toMatchObject({ agentId: 'ada', state: 'not-ready', reason: 'meeting' });
    } finally {
      await socket.close();
    }
  });

  it("signs out explicitly: the router hears offline (sign-out), the agent's other desktop drops the withdrawn offer and shows offline", async () => {
    const leaving = await signIn('ada', 'ada pw');
    const other = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('ada', 'ada pw'));
    try {
      await request('PUT', '/api/agents/me/presence', { state: 'ready' }, leaving);
      const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
      await other.next('offer');
      expect((await request('POST', '/api/auth/sign-out', undefined, leaving)).status).toBe(204);
      expect(await testbed.router.waitForCommand((c) => c.type === 'presence' && c.presence === 'offline')).toMatchObject({ cause: 'sign-out' });
      expect(await other.next('offer-rescinded')).toMatchObject({ interactionId, reason: 'offer withdrawn: agent offline (sign-out)' });
      expect(await other.next('presence', (m) => m.state === 'offline')).toMatchObject({ cause: 'sign-out' });
    } finally {
      await other.close();
    }
  });
});

describe('presence when the connection is lost', () => {
  it('reports the agent offline (cause disconnect) past the grace period, and a sign-out only once', async () => {
    const testbed = await startGatewayTestbed({ xApi: NO_X, brands: [PERCH_AIR], agents: AGENTS, options: { offlineGraceMs: 20 } });
    const { request, signIn } = testbedClient(() => testbed.baseUrl);
    try {
      const first = await signIn('ada', 'ada pw');
      const closedBySignOut = await AgentSocketProbe.connect(testbed.baseUrl, first);
      await request('POST', '/api/auth/sign-out', undefined, first);
      await closedBySignOut.closed;
      // Sam's connection is lost after Ada's socket closed, with the same grace: a report for Ada would come first.
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('sam', 'sam pw'));
      await socket.close();
      expect(await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'sam')).toMatchObject({
        presence: 'offline',
        cause: 'disconnect',
      });
      // The sign-out's own socket close started no second report for Ada.
      expect(testbed.router.commands.filter((c) => c.type === 'presence' && c.agentId === 'ada').map((c) => c.cause)).toEqual(['sign-out']);
    } finally {
      await testbed.close();
    }
  });
});
