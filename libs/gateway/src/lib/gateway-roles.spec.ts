import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { type GatewayRole, gatewayRunOf } from './gateway-role.util';
import { AgentSocketProbe } from './testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from './testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR } from './testing/gateway-unit.fixtures';
import { testbedClient } from './testing/testbed-client.fixtures';

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ADR 43: one gateway image, three roles. What each role must and must not do, on the module the apps run.
describe('Gateway roles (GATEWAY_ROLE)', () => {
  let testbed: GatewayTestbed;
  const client = testbedClient(() => testbed.baseUrl);

  async function start(role: GatewayRole): Promise<void> {
    testbed = await startGatewayTestbed({
      xApi: NO_X,
      brands: [PERCH_AIR],
      agents: [{ id: 'ada', displayName: 'Ada', password: 'correct horse', brands: [PERCH_AIR.username] }],
      options: { run: gatewayRunOf(role) },
    });
  }

  afterEach(async () => {
    await testbed.close();
  });

  it('a worker serves no agent (no REST API, desktop or socket) and does the shared work: projection and audit of routing', async () => {
    await start('worker');
    expect((await client.request('POST', '/api/auth/sign-in', { username: 'ada', password: 'correct horse' })).status).toBe(404);
    expect((await client.request('GET', '/api/interactions')).status).toBe(404);
    expect((await fetch(`${testbed.baseUrl}/`)).status).toBe(404);
    const token = await testbed.agents.authenticate('ada', 'correct horse', { address: '127.0.0.1' });
    await expect(AgentSocketProbe.connect(testbed.baseUrl, token.token)).rejects.toThrow();

    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
    const view = await waitFor('the projected view', async () => (await testbed.store.get(interactionId)) ?? undefined, 10_000, 10);
    expect(view).toMatchObject({ state: 'offered', agentId: 'ada' });
    await waitFor('the routing decisions in the audit trail', async () => ((await testbed.audit.query({ limit: 100 })).entries.length > 0 ? true : undefined), 10_000, 10);
  });

  it('an edge serves agents and pushes to them, and leaves the shared work to the workers', async () => {
    await start('edge');
    const token = await client.signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
      await socket.next('offer', (offer) => offer.interactionId === interactionId);
      // The pushes came; give a projector that should not be there the time it would take.
      await sleep(300);
      expect(await testbed.store.get(interactionId)).toBeNull();
      expect((await testbed.audit.query({ limit: 100 })).entries.map((entry) => entry.action)).toEqual(['sign-in']);
    } finally {
      await socket.close();
    }
  });

  it('the role all does both, as one process always did', async () => {
    await start('all');
    const token = await client.signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
      await socket.next('offer', (offer) => offer.interactionId === interactionId);
      await waitFor('the projected view', async () => (await testbed.store.get(interactionId)) ?? undefined, 10_000, 10);
    } finally {
      await socket.close();
    }
  });
});
