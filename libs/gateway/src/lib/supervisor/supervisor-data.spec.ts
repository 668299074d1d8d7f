import { type Classification } from '@perch/contracts';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION as UNIT_CLASSIFICATION, customerTweet } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { type SupervisorSnapshotMessage } from '../ws/ws-messages.types';
import { SupervisorPushService } from './supervisor-push.service';
import { type SupervisorQueuesView } from './supervisor-view.types';

const CLASSIFICATION: Classification = { ...UNIT_CLASSIFICATION, sentimentFeatures: [] };

// The gateway module with its supervisor data: REST for supervisors and admins only, counts from the router's events,
// and live snapshots pushed to supervisors' sockets, never to agents'.
describe('supervisor data through the gateway', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse' },
        { id: 'sam', displayName: 'Sam Super', password: 'battery staple', role: 'supervisor' },
        { id: 'root', displayName: 'Root', password: 'admin admin', role: 'admin' },
      ],
      options: { consistencyWaitMs: 0, supervisor: { pushIntervalMs: 50, serviceLevelMs: 60_000 } },
    });
  });

  afterAll(async () => {
    await testbed?.close();
  });

  it('refuses agents (403 role-required) and answers supervisors and admins', async () => {
    const agent = await signIn('ada', 'correct horse');
    const supervisor = await signIn('sam', 'battery staple');
    const admin = await signIn('root', 'admin admin');
    for (const path of ['/api/supervisor/queues', '/api/supervisor/agents']) {
      expect(await request('GET', path, undefined, agent)).toMatchObject({ status: 403, body: { code: 'role-required' } });
      expect((await request('GET', path, undefined, supervisor)).status).toBe(200);
      expect((await request('GET', path, undefined, admin)).status).toBe(200);
      expect((await request('GET', path)).status).toBe(401);
    }
    expect(await request('GET', '/api/supervisor/agents?limit=5000', undefined, supervisor)).toMatchObject({ status: 400 });
  });

  it('documents both routes in the OpenAPI document, with their answers and the 403 for other roles', async () => {
    const document = (await (await fetch(`${testbed.internalUrl}/api/docs-json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, unknown>; security?: unknown[] } }>;
      components: { schemas: Record<string, unknown> };
    };
    for (const path of ['/api/supervisor/queues', '/api/supervisor/agents']) {
      expect(Object.keys(document.paths[path]?.get?.responses ?? {})).toEqual(expect.arrayContaining(['200', '403', '503']));
      expect(document.paths[path]?.get?.security).toEqual([{ bearer: [] }]);
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['SupervisorQueuesDto', 'QueueDto', 'SupervisedAgentsPageDto', 'SupervisedAgentDto']));
  });

  it('counts an interaction offered to an agent and accepted within the service level', async () => {
    const agent = await signIn('ada', 'correct horse');
    const supervisor = await signIn('sam', 'battery staple');
    const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, agent)).status).toBe(202);

    const view = await waitFor('the accept counted', async () => {
      const { body } = await request('GET', '/api/supervisor/queues', undefined, supervisor);
      const queues = body as unknown as SupervisorQueuesView;
      return queues.total.answered >= 1 ? queues : undefined;
    });
    expect(view.queues.find((queue) => queue.id === 'public')).toMatchObject({
      channel: 'public',
      skill: null,
      offered: 1,
      agentOffers: 1,
      answered: 1,
      answeredWithinSl: 1,
      abandoned: 0,
      serviceLevel: 1,
    });
    expect(view).toMatchObject({ serviceLevelThresholdMs: 60_000, total: { offered: 1, answered: 1, serviceLevel: 1 } });
  });

  it("lists the router's agents a page at a time, with state, reason, time in state and load per channel", async () => {
    const supervisor = await signIn('sam', 'battery staple');
    const now = Date.now();
    await testbed.routing.setPresence({ agentId: 'ada', state: 'not-ready', reason: 'break', capacityByChannel: { public: 2, dm: 1 }, now });
    await testbed.routing.setPresence({ agentId: 'bob', state: 'ready', now });
    const first = await request('GET', '/api/supervisor/agents?limit=1', undefined, supervisor);
    expect(first.body).toMatchObject({
      agents: [
        {
          agentId: 'ada',
          displayName: 'Ada Lovelace',
          state: 'not-ready',
          reason: 'break',
          capacity: 3,
          capacityByChannel: { public: 2, dm: 1 },
          load: 0,
          loadByChannel: { public: 0, dm: 0 },
        },
      ],
    });
    const cursor = String(first.body['nextCursor']);
    const second = await request('GET', `/api/supervisor/agents?limit=1&cursor=${encodeURIComponent(cursor)}`, undefined, supervisor);
    expect(second.body).toMatchObject({ agents: [{ agentId: 'bob', displayName: null, state: 'ready', reason: null }], nextCursor: null });
  });

  it("pushes snapshots to supervisors' sockets when something changes, and never to agents'", async () => {
    const agentSocket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('ada', 'correct horse'));
    const supervisorSocket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('sam', 'battery staple'));
    try {
      const initial = await supervisorSocket.next('supervisor-snapshot', (message) => message.initial);
      expect(initial).toMatchObject({ agents: [], queues: { total: expect.objectContaining({ waiting: expect.any(Number) }) } });

      // The router gives ada work: its record changes first, then the event names ada.
      await testbed.routing.setPresence({ agentId: 'bob', state: 'offline', now: Date.now() });
      await testbed.routing.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now: Date.now() });
      await testbed.routing.upsertInteraction({
        message: customerTweet(),
        classification: CLASSIFICATION,
        priority: 3,
        correlationId: 'c-1',
        interactionIdIfNew: '00000000-0000-4000-8000-000000000001',
        now: Date.now(),
      });
      await testbed.routing.dispatch(Date.now(), 30_000, '00000000-0000-4000-8000-000000000002');
      await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });

      const pushed: SupervisorSnapshotMessage = await supervisorSocket.next(
        'supervisor-snapshot',
        (message) => !message.initial && message.agents.some((agent) => agent.agentId === 'ada' && agent.load === 1),
      );
      expect(pushed.agents.find((agent) => agent.agentId === 'ada')).toMatchObject({ state: 'ready', loadByChannel: { public: 1, dm: 0 } });

      // Nothing changed since: the next round sends nothing.
      const push = testbed.app.get(SupervisorPushService);
      await waitFor('a quiet round', async () => !(await push.pushRound()));
      expect(agentSocket.messages.filter((message) => message.type === 'supervisor-snapshot')).toEqual([]);
    } finally {
      await agentSocket.close();
      await supervisorSocket.close();
    }
  });
});
