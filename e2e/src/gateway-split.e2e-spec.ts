import { randomBytes, randomUUID } from 'node:crypto';

import { e2eNamespace, freePort, type PerchCluster, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { AgentDesk } from './support/agent-desk.fixtures';
import { runAgentJourney } from './support/agent-journey.fixtures';
import { SimulatorAdmin } from './support/simulator-admin.fixtures';

// ADR 43: the gateway as edges (what agents talk to) and workers (the Kafka-side work), separate processes on real
// Kafka, Redis and PostgreSQL. Every part of an agent's work still happens, once, and a worker's absence loses nothing.
describe('distributed mode with the gateway split into an edge and a worker', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const simulator = new XSimulator({
    seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] },
    consumerSecret: randomBytes(32).toString('hex'),
  });
  let cluster: PerchCluster;
  let simulatorUrl = '';

  beforeAll(async () => {
    simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl,
      databaseUrl,
      namespace: e2eNamespace('split'),
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: [
        { id: 'alice', password: 'alice-pw', capacity: 2, brands: [brand] },
        { id: 'sam', password: 'sam-pw', role: 'supervisor', brands: [brand] },
        { id: 'dana', password: 'dana-pw', role: 'admin', brands: ['*'] },
      ],
      gatewayWorkers: 1,
    });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await simulator.stop();
  });

  const api = async (token: string, method: string, path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${cluster.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const signIn = async (username: string): Promise<string> => {
    const response = await fetch(`${cluster.gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: `${username}-pw` }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  };

  it('the worker serves no agent: no sign-in, no desktop on its port', async () => {
    expect(cluster.gatewayWorkerPorts).toHaveLength(1);
    const workerUrl = `http://127.0.0.1:${cluster.gatewayWorkerPorts[0]}`;
    const refused = await fetch(`${workerUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
    });
    expect(refused.status).toBe(404);
    expect((await fetch(`${workerUrl}/health`)).status).toBe(200);
  });

  it('takes a tweet to an agent on the edge and her reply to X through the worker, which also projects, audits and counts it', async () => {
    const journey = await runAgentJourney({ gatewayUrl: cluster.gatewayUrl, simulator: new SimulatorAdmin(simulatorUrl), brand, agent: { username: 'alice', password: 'alice-pw' } });
    const alice = await signIn('alice');
    // The completion (disposition and note) reaches the view only through the projection, which only the worker runs.
    const history = await waitFor('the completed view', async () => {
      const view = await api(alice, 'GET', `/api/interactions/${journey.interactionId}`);
      return view.status === 200 && (view.body as { completion?: unknown }).completion ? view.body : undefined;
    });
    expect(history).toMatchObject({ state: 'completed', completion: { disposition: 'resolved', note: 'escalated to logistics' } });

    // Supervisors' counters and the audit trail's routing decisions: the worker's recorders.
    const sam = await signIn('sam');
    const counts = await waitFor('the supervisors’ counters', async () => {
      const queues = (await api(sam, 'GET', '/api/supervisor/queues')).body as { total: { offered: number; answered: number } };
      return queues.total.answered >= 1 ? queues.total : undefined;
    });
    expect(counts.offered).toBeGreaterThanOrEqual(1);
    const dana = await signIn('dana');
    const routing = await waitFor('routing decisions in the audit trail', async () => {
      const page = (await api(dana, 'GET', '/api/admin/audit?action=routing&limit=50')).body as { entries: unknown[] };
      return page.entries.length > 0 ? page.entries : undefined;
    });
    expect(routing.length).toBeGreaterThan(0);
  });

  it('keeps an agent’s reply while no worker runs and posts it once when one is back', async () => {
    const sim = new SimulatorAdmin(simulatorUrl);
    const customer = `cust_${randomUUID().slice(0, 8)}`;
    await sim.createCustomer(customer, [brand]);
    const alice = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    const worker = cluster.gatewayWorkers[0];
    try {
      await alice.ready();
      const tweet = await sim.tweet(customer, `@${brand} where is my refund?`);
      const interactionId = await alice.accept(tweet.id);
      await worker?.stop();
      const text = `We are checking your refund now (${randomUUID().slice(0, 6)}).`;
      await alice.reply(interactionId, text);
      // Nothing on X while the edge alone runs: it does not carry out commands.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect((await sim.tweetsOf(brand)).filter((t) => t.inReplyToTweetId === tweet.id)).toEqual([]);

      await worker?.start();
      await alice.replySent(interactionId);
      const replies = await waitFor('the reply on X', async () => {
        const found = (await sim.tweetsOf(brand)).filter((t) => t.inReplyToTweetId === tweet.id);
        return found.length > 0 ? found : undefined;
      });
      expect(replies.map((t) => t.text)).toEqual([`@${customer} ${text}`]);
    } finally {
      await alice.close();
    }
  });
});
