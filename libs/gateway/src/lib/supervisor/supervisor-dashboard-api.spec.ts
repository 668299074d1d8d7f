import { type Classification } from '@perch/contracts';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION as UNIT_CLASSIFICATION, customerTweet } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { type SupervisorSnapshotMessage } from '../ws/ws-messages.types';
import { type SupervisorSeriesView } from './supervisor-series.types';

const CLASSIFICATION: Classification = { ...UNIT_CLASSIFICATION, sentiment: 'negative', actionability: 'actionable', sentimentFeatures: [] };

// What the supervisor's dashboard adds to the gateway: the charts' series (REST and pushed) and signing an agent out.
describe("the supervisor dashboard's API through the gateway", () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse' },
        { id: 'cy', displayName: 'Cy Twain', password: 'river boat' },
        { id: 'sam', displayName: 'Sam Super', password: 'battery staple', role: 'supervisor' },
        { id: 'root', displayName: 'Root', password: 'admin admin', role: 'admin' },
      ],
      options: { consistencyWaitMs: 0, supervisor: { pushIntervalMs: 50, serviceLevelMs: 60_000 } },
    });
  });

  afterAll(async () => {
    await testbed?.close();
  });

  it('serves the series to supervisors and admins only (403 role-required for agents, 401 without a token)', async () => {
    const agent = await signIn('ada', 'correct horse');
    expect(await request('GET', '/api/supervisor/series', undefined, agent)).toMatchObject({ status: 403, body: { code: 'role-required' } });
    expect((await request('GET', '/api/supervisor/series')).status).toBe(401);
    for (const token of [await signIn('sam', 'battery staple'), await signIn('root', 'admin admin')]) {
      const { status, body } = await request('GET', '/api/supervisor/series?hours=24&bucketMinutes=60', undefined, token);
      expect(status).toBe(200);
      expect((body as unknown as SupervisorSeriesView).buckets).toHaveLength(24);
    }
  });

  it('refuses a window or bucket size it does not serve, naming the fields', async () => {
    const supervisor = await signIn('sam', 'battery staple');
    const { status, body } = await request('GET', '/api/supervisor/series?hours=49&bucketMinutes=7', undefined, supervisor);
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('hours');
    expect(JSON.stringify(body)).toContain('bucketMinutes');
  });

  it("counts an arrival with the model's labels and its accept in the current bucket, and pushes the bucket to supervisors", async () => {
    const agent = await signIn('ada', 'correct horse');
    const supervisor = await signIn('sam', 'battery staple');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, supervisor);
    try {
      await socket.next('supervisor-snapshot', (message) => message.initial);
      const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, agent)).status).toBe(202);

      const series = await waitFor('the accept counted', async () => {
        const { body } = await request('GET', '/api/supervisor/series?hours=1&bucketMinutes=5', undefined, supervisor);
        const view = body as unknown as SupervisorSeriesView;
        return view.buckets.at(-1)?.answered === 1 ? view : undefined;
      });
      expect(series.buckets).toHaveLength(12);
      expect(series.buckets.at(-1)).toMatchObject({ created: 1, answered: 1, completed: 0, sentiment: { negative: 1 }, actionability: { actionable: 1 } });

      const pushed: SupervisorSnapshotMessage = await socket.next('supervisor-snapshot', (message) => (message.series?.buckets ?? []).some((bucket) => bucket.answered === 1));
      expect(pushed.series?.buckets).toEqual([series.buckets.at(-1)]);
    } finally {
      await socket.close();
    }
  });

  it('refuses to sign an agent out for agents (403), for an unknown agent (404) and for oneself (409)', async () => {
    const agent = await signIn('ada', 'correct horse');
    const supervisor = await signIn('sam', 'battery staple');
    expect(await request('POST', '/api/supervisor/agents/cy/sign-out', {}, agent)).toMatchObject({ status: 403, body: { code: 'role-required' } });
    expect((await request('POST', '/api/supervisor/agents/cy/sign-out', {})).status).toBe(401);
    expect(await request('POST', '/api/supervisor/agents/nobody/sign-out', {}, supervisor)).toMatchObject({ status: 404, body: { code: 'unknown-agent' } });
    expect(await request('POST', '/api/supervisor/agents/sam/sign-out', {}, supervisor)).toMatchObject({ status: 409, body: { code: 'sign-out-self' } });
    // Nothing was sent to the router for any of them.
    expect(testbed.router.commands.filter((command) => command.type === 'presence' && command.cause === 'sign-out')).toEqual([]);
  });

  it("signs an agent out everywhere: their tokens refused, their sockets closed, the router told they are offline, audited", async () => {
    const victim = await signIn('cy', 'river boat');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, victim);
    const admin = await signIn('root', 'admin admin');

    const answer = await request('POST', '/api/supervisor/agents/cy/sign-out', {}, admin);
    expect(answer).toMatchObject({ status: 200, body: { agentId: 'cy', socketsClosed: 1, commandId: expect.any(String) } });
    expect(await socket.closed).toEqual({ code: 4401, reason: 'signed-out' });
    expect(await request('GET', '/api/agents/me', undefined, victim)).toMatchObject({ status: 401, body: { code: 'token-revoked' } });
    const offline = await testbed.router.waitForCommand((command) => command.type === 'presence' && command.agentId === 'cy');
    expect(offline).toMatchObject({ presence: 'offline', cause: 'sign-out', actorId: 'root' });
    const audited = await waitFor('the sign-out audited', async () =>
      (await testbed.audit.query({ action: 'sign-out', actor: 'root' })).entries.find((entry) => entry.details['agentId'] === 'cy'),
    );
    expect(audited).toMatchObject({ outcome: 'succeeded', actor: { id: 'root', role: 'admin' } });

    // They may sign in again: only the tokens issued up to the sign-out's millisecond are revoked.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await signIn('cy', 'river boat');
    expect((await request('GET', '/api/agents/me', undefined, again)).status).toBe(200);
  });
});
