import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import {
  ConsumerGroups,
  type DeadLetterRecord,
  deadLetterTopicOf,
  type EventEnvelope,
  type InboundReceivedPayload,
  type OutboundCompletedPayload,
  Topics,
} from '@perch/contracts';
import { e2eNamespace, EventTap, freePort, metricValue, type PerchCluster, ServiceProcess, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { runAgentJourney } from './support/agent-journey.fixtures';
import { runDmJourney } from './support/dm-journey.fixtures';
import { SimulatorAdmin } from './support/simulator-admin.fixtures';

// The apps as separate OS processes on real Kafka and Redis (and PostgreSQL for the gateway's history),
// talking to the X simulator through twitter-api-v2, exactly as in production.
describe('distributed mode', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  // The ingestor refuses the simulator's default consumer secret, as it would any secret that shipped publicly.
  const consumerSecret = randomBytes(32).toString('hex');
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] }, consumerSecret });
  let cluster: PerchCluster | undefined;
  let gatewayUrl = '';
  let simulatorUrl = '';
  const namespace = e2eNamespace('distributed');
  // A reader of the apps' own topics, to follow one correlation id from the tweet to the reply.
  let tap: EventTap | undefined;
  const received: EventEnvelope<InboundReceivedPayload>[] = [];
  const completed: EventEnvelope<OutboundCompletedPayload>[] = [];
  const deadLetters: DeadLetterRecord[] = [];

  beforeAll(async () => {
    simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl,
      databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: [
        { id: 'alice', password: 'alice-pw', capacity: 2, brands: [brand] },
        { id: 'sam', password: 'sam-pw', role: 'supervisor', brands: [brand] },
      ],
      webhookConsumerSecret: consumerSecret,
    });
    gatewayUrl = cluster.gatewayUrl;
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-tap' });
    await tap.bus.subscribe(Topics.InboundReceived, 'e2e-tap-received', async (e) => void received.push(e), { fromBeginning: true });
    await tap.bus.subscribe(Topics.OutboundCompleted, 'e2e-tap-completed', async (e) => void completed.push(e), { fromBeginning: true });
    await tap.transport.consume(
      { groupId: 'e2e-tap-dlq', topics: [deadLetterTopicOf(Topics.InboundReceived)], fromBeginning: true },
      async (messages) => {
        for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
      },
    );
  }, 120_000);

  afterAll(async () => {
    await tap?.close();
    await cluster?.stop();
    await simulator.stop();
  });

  it('serves /metrics and the API docs on each app’s internal port only, and hardens the agents’ port', async () => {
    const running = cluster as PerchCluster;
    for (const app of ['router', 'classifier', 'gateway', 'ingestor'] as const) {
      const metrics = await fetch(`http://127.0.0.1:${running.internalPorts[app]}/metrics`);
      expect({ app, status: metrics.status }).toEqual({ app, status: 200 });
      expect(await metrics.text()).toContain(`perch_event_loop_utilization{service="${app}"}`);
      const internalHealth = await fetch(`http://127.0.0.1:${running.internalPorts[app]}/health`);
      expect({ app, status: internalHealth.status }).toEqual({ app, status: 200 });
      await internalHealth.arrayBuffer();
      const hidden = await fetch(`http://127.0.0.1:${running.ports[app]}/metrics`);
      await hidden.arrayBuffer();
      expect({ app, status: hidden.status }).toEqual({ app, status: 404 });
      expect(hidden.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    // The gateway's own gauges: its agents' sockets (ADR 39), the store calls made before pushes (ADR 38) and its REST
    // intake (ADR 41), whose bound comes from GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT (its default here).
    const gatewayMetrics = await (await fetch(`http://127.0.0.1:${running.internalPorts.gateway}/metrics`)).text();
    for (const gauge of ['perch_agent_sockets_sockets', 'perch_agent_sockets_messages_in_flight', 'perch_agent_sockets_pauses', 'perch_push_store_skipped', 'perch_rest_requests_in_flight', 'perch_rest_requests_refused']) {
      expect(gatewayMetrics).toContain(`${gauge}{service="gateway"}`);
    }
    expect(gatewayMetrics).toContain('perch_rest_requests_max{service="gateway"} 2048');
    // Every app times its public answers by route template and status: the probes of /metrics above (no route), and
    // an agent call without a token. The series name the route, never the path asked for.
    const refused = await fetch(`${gatewayUrl}/api/interactions/i-${randomUUID()}`);
    await refused.arrayBuffer();
    expect(refused.status).toBe(401);
    for (const app of ['router', 'classifier', 'gateway', 'ingestor'] as const) {
      const timed = await (await fetch(`http://127.0.0.1:${running.internalPorts[app]}/metrics`)).text();
      const probes = metricValue(timed, 'perch_http_request_duration_seconds_count', { service: app, route: 'unmatched', status: '404' }) ?? 0;
      expect({ app, timed: probes >= 1 }).toEqual({ app, timed: true });
    }
    const timed = await (await fetch(`http://127.0.0.1:${running.internalPorts.gateway}/metrics`)).text();
    expect(metricValue(timed, 'perch_http_request_duration_seconds_count', { service: 'gateway', method: 'GET', route: '/api/interactions/:id', status: '401' })).toBe(1);
    expect(timed).not.toMatch(/route="\/api\/interactions\/i-/);
    for (const path of ['/api/docs', '/api/docs-json']) {
      const hidden = await fetch(`${gatewayUrl}${path}`);
      await hidden.arrayBuffer();
      expect({ path, status: hidden.status }).toEqual({ path, status: 404 });
      const served = await fetch(`http://127.0.0.1:${running.internalPorts.gateway}${path}`);
      await served.arrayBuffer();
      expect({ path, status: served.status }).toEqual({ path, status: 200 });
    }
    const desktop = await fetch(`${gatewayUrl}/`);
    await desktop.arrayBuffer();
    expect(desktop.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(desktop.headers.get('x-frame-options')).toBe('DENY');
  });

  it('takes a customer tweet to an agent and the agent’s reply back to X, under one correlation id', async () => {
    const journey = await runAgentJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand,
      agent: { username: 'alice', password: 'alice-pw' },
    });
    const inbound = await waitFor('the inbound event', () => received.find((e) => e.payload.messageId === journey.customerTweetId));
    const outcome = await waitFor('the reply outcome', () => completed.find((e) => e.payload.tweetId === journey.replyTweetId));
    expect(outcome.payload.status).toBe('sent');
    expect(outcome.correlationId).toBe(inbound.correlationId);
    // Each consumer reports how long the journey's events waited on their topic and how long it took with them
    // (a group's last event may be handled a moment after the journey's end: read until each one counts).
    const running = cluster as PerchCluster;
    for (const [app, topic, group] of [
      ['classifier', Topics.InboundReceived, ConsumerGroups.Classifier],
      ['router', Topics.InboundClassified, ConsumerGroups.RouterClassified],
      ['router', Topics.AgentCommand, ConsumerGroups.RouterCommands],
      ['gateway', Topics.OutboundRequested, ConsumerGroups.Outbound],
      ['gateway', Topics.InteractionLifecycle, ConsumerGroups.GatewayRouting],
    ] as const) {
      const labels = { service: app, topic, group };
      await waitFor(`${app}'s ${group} timings on /metrics`, async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${running.internalPorts[app]}/metrics`)).text();
        return (metricValue(metrics, 'perch_event_wait_seconds_count', labels) ?? 0) > 0 && (metricValue(metrics, 'perch_event_handling_seconds_count', labels) ?? 0) > 0;
      });
    }
  });

  it('takes a customer DM through the Account Activity webhook to an agent, who follows the customer and answers by DM', async () => {
    const journey = await runDmJourney({ gatewayUrl, simulator: new SimulatorAdmin(simulatorUrl), brand, agent: { username: 'alice', password: 'alice-pw' } });

    // The agent corrects the sentiment: the event crosses Kafka into PostgreSQL, and the export hands it out as a
    // training row (the same command operators run: npm run --silent corrections:export).
    const correction = await fetch(`${gatewayUrl}/api/interactions/${journey.interactionId}/classification`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${journey.token}` },
      body: JSON.stringify({ sentiment: 'negative', actionability: 'actionable', note: 'double charge' }),
    });
    expect(correction.status).toBe(202);
    const { databaseUrl } = serviceEnv();
    const exported = await waitFor('the correction in the export', () => {
      const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/apps/gateway/src/cli/export-corrections.cli.js')], {
        env: { ...process.env, DATABASE_URL: databaseUrl, PERCH_NAMESPACE: namespace },
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`corrections export failed: ${run.stderr}`);
      return run.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((row) => row['text'] === journey.dmText);
    }, 30_000, 1000);
    expect(exported).toMatchObject({ text: journey.dmText, sentiment: 'negative', actionability: 'actionable', model: expect.stringMatching(/^perch-linear@/) });
  });

  it('dead-letters a malformed stream line and an event of an unknown schema version, and keeps going', async () => {
    // Garbage on X's stream: the ingestor records it and the stream stays up.
    const garbage = '{"data":{"id":"123","text":';
    const raw = await fetch(`${simulatorUrl}/admin/faults/stream-raw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: garbage }),
    });
    expect(raw.ok).toBe(true);
    const streamEntry = await waitFor('the stream line in the dead-letter topic', () =>
      deadLetters.find((d) => d.sourceTopic === 'x.stream'),
    );
    expect(streamEntry.reason).toMatch(/unparsable stream line/);

    // An event from a producer of a newer schema: the classifier dead-letters it with the reason.
    const future = JSON.stringify({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: 'from-the-future',
      schemaVersion: 2,
      producer: 'ingestor-v2',
      payload: { whatever: true },
    });
    await tap?.transport.send(Topics.InboundReceived, [{ key: 'k', value: future }]);
    // (This test's own reader of the topic dead-letters it too; the classifier's entry is the one that matters.)
    const versionEntry = await waitFor('the classifier’s dead-letter entry for the v2 event', () =>
      deadLetters.find((d) => d.value === future && d.consumerGroup === ConsumerGroups.Classifier),
    );
    expect(versionEntry.sourceTopic).toBe(Topics.InboundReceived);
    expect(versionEntry.reason).toMatch(/unsupported schemaVersion 2/);
    // And the classifier counts it, under its topic and group, for the operators' alert.
    const classifierMetrics = `http://127.0.0.1:${(cluster as PerchCluster).internalPorts.classifier}/metrics`;
    const countedUnder = { service: 'classifier', topic: Topics.InboundReceived, group: ConsumerGroups.Classifier };
    await waitFor('the classifier’s dead letter counted', async () =>
      (metricValue(await (await fetch(classifierMetrics)).text(), 'perch_event_dead_letters_total', countedUnder) ?? 0) >= 1,
    );

    // Nothing crashed: a customer's tweet still reaches an agent afterwards.
    await runAgentJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand,
      agent: { username: 'alice', password: 'alice-pw' },
    });
  });

  it('counts an interaction once for the supervisors, in today\'s queue counters and in the charts, from the Redis the replicas share', async () => {
    const signIn = await fetch(`${gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sam', password: 'sam-pw' }),
    });
    expect(signIn.status).toBe(201);
    const { token } = (await signIn.json()) as { token: string };
    const read = async (): Promise<{ total: Record<string, number | null>; created: number; answered: number; completed: number }> => {
      const headers = { authorization: `Bearer ${token}` };
      const queues = (await (await fetch(`${gatewayUrl}/api/supervisor/queues`, { headers })).json()) as { total: Record<string, number | null> };
      const series = (await (await fetch(`${gatewayUrl}/api/supervisor/series?hours=1`, { headers })).json()) as {
        buckets: { created: number; answered: number; completed: number }[];
      };
      const sum = (name: 'created' | 'answered' | 'completed'): number => series.buckets.reduce((n, bucket) => n + bucket[name], 0);
      return { total: queues.total, created: sum('created'), answered: sum('answered'), completed: sum('completed') };
    };
    const before = await read();
    await runAgentJourney({ gatewayUrl, simulator: new SimulatorAdmin(simulatorUrl), brand, agent: { username: 'alice', password: 'alice-pw' } });
    const after = await waitFor('the journey in the counters and the charts', async () => {
      const now = await read();
      return now.completed > before.completed ? now : undefined;
    });
    // Its creation, first accept and completion once each (both facts of an event in one call, ADR 37), its offer once.
    expect({ created: after.created - before.created, answered: after.answered - before.answered, completed: after.completed - before.completed }).toEqual({
      created: 1,
      answered: 1,
      completed: 1,
    });
    const delta = (name: string): number => Number(after.total[name] ?? 0) - Number(before.total[name] ?? 0);
    expect({ offered: delta('offered'), answered: delta('answered'), abandoned: delta('abandoned'), agentOffers: delta('agentOffers') }).toEqual({
      offered: 1,
      answered: 1,
      abandoned: 0,
      agentOffers: 1,
    });
    // An agent may not read them.
    const agentSignIn = (await (
      await fetch(`${gatewayUrl}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-pw' }) })
    ).json()) as { token: string };
    const refused = await fetch(`${gatewayUrl}/api/supervisor/queues`, { headers: { authorization: `Bearer ${agentSignIn.token}` } });
    await refused.arrayBuffer();
    expect(refused.status).toBe(403);
  });

  it('refuses to start an app whose environment is invalid, naming every bad variable', async () => {
    const broken = new ServiceProcess({
      app: 'router',
      env: { KAFKA_BROKERS: 'not a broker list', REDIS_URL: 'http://nope', HTTP_PORT: '70000' },
      healthUrl: 'http://127.0.0.1:1/health',
      startTimeoutMs: 15_000,
    });
    await expect(broken.start()).rejects.toThrow(/exited during start-up/);
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(broken.logFile, 'utf8');
    expect(log).toMatch(/KAFKA_BROKERS/);
    expect(log).toMatch(/REDIS_URL/);
    expect(log).toMatch(/HTTP_PORT/);
  });
});
