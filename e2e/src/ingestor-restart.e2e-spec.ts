import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { e2eNamespace, EventTap, freePort, type ServiceProcess, serviceEnv, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { ingestorEnv, ingestorProcess, waitForMetrics } from './support/ingestor-process.fixtures';

// The ingestor crashes (SIGKILL) while customers keep tweeting; after a restart the mentions poll, resuming
// from its cursor in Redis, brings what the stream missed. Every tweet is published exactly once.
describe('ingestor crash and restart', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const namespace = e2eNamespace('restart');
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] } });
  const published: EventEnvelope<InboundReceivedPayload>[] = [];
  let tap: EventTap;
  let env: Record<string, string>;
  let port = 0;
  // /metrics is on each process's internal listener: one per public port, the same across a restart.
  const internalPorts = new Map<number, number>();
  const internalPortOf = (onPort: number): number => internalPorts.get(onPort) ?? 0;
  async function reservePorts(): Promise<number> {
    const onPort = await freePort();
    internalPorts.set(onPort, await freePort());
    return onPort;
  }

  beforeAll(async () => {
    const { baseUrl } = await simulator.start(await freePort());
    const { kafkaBrokers } = serviceEnv();
    port = await reservePorts();
    env = ingestorEnv({
      namespace,
      xApiBaseUrl: baseUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      extra: {
        INGESTOR_MENTIONS_POLL_MS: '500',
        // A crashed leader's lease lapses after this; short, so the restarted process leads quickly.
        INGESTOR_LEADER_TTL_MS: '2000',
      },
    });
    simulator.createAccount({ username: 'crash_watcher', kind: 'customer' });
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-restart' });
  });

  afterAll(async () => {
    await tap.close();
    await simulator.stop();
  });

  function ingestor(onPort = port): ServiceProcess {
    return ingestorProcess(env, onPort, internalPortOf(onPort));
  }

  async function metric(onPort: number, name: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${internalPortOf(onPort)}/metrics`)).text();
    const match = new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : Number.NaN;
  }

  function tweet(text: string): string {
    return simulator.createTweet({ authorUsername: 'crash_watcher', text: `@${brand} ${text}` }).id;
  }

  const count = (id: string): number => published.filter((e) => e.payload.messageId === id).length;

  it('publishes every tweet exactly once across a crash, including those made while it was down', async () => {
    const first = ingestor();
    await first.start();
    await tap.bus.subscribe(Topics.InboundReceived, 'e2e-restart-reader', async (e) => void published.push(e), { fromBeginning: true });
    // The first poll sets the brand's cursor; wait for it so the tweets below count as new.
    await waitForMetrics('the stream to be connected', internalPortOf(port), [/perch_stream_connected\{[^}]*\} 1/, /perch_mentions_poll_polls\{[^}]*\} [1-9]/]);
    const before = tweet('my order is late');
    await waitFor('the first tweet', () => count(before) === 1);

    await first.stop('SIGKILL');
    const whileDown = [tweet('are you there?'), tweet('hello? my order is still late')];

    const second = ingestor();
    await second.start();
    try {
      const after = tweet('back online I see');
      await waitFor('every tweet', () => [before, ...whileDown, after].every((id) => count(id) >= 1), 30_000).catch((error: unknown) => {
        const seen = [before, ...whileDown, after].map((id) => `${id}:${count(id)}`).join(' ');
        throw new Error(`${error instanceof Error ? error.message : String(error)} (published per tweet: ${seen})`);
      });
      // Give the stream and the poll time to bring anything twice, then check that they did not.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const id of [before, ...whileDown, after]) expect(count(id)).toBe(1);
      expect(published.find((e) => e.payload.messageId === whileDown[0])?.payload.source).toBe('mentions-poll');
    } finally {
      await second.stop();
    }
  });

  it('runs the stream and the polls on one replica, and on the standby within the lease TTL when the leader dies', async () => {
    const ports = [await reservePorts(), await reservePorts()];
    const replicas = ports.map((p) => ingestor(p));
    for (const replica of replicas) await replica.start();
    try {
      await waitFor('one leader', async () => {
        const leaders = await Promise.all(ports.map((p) => metric(p, 'perch_leadership_leader')));
        return leaders.filter((l) => l === 1).length === 1 && leaders.filter((l) => l === 0).length === 1;
      });
      const leaderIndex = (await metric(ports[0] ?? 0, 'perch_leadership_leader')) === 1 ? 0 : 1;
      const standbyPort = ports[1 - leaderIndex] ?? 0;
      // X allows one stream connection per app: only the leader holds one.
      expect(simulator.stats().streamConnectionsOpen).toBe(1);
      await waitFor('the leader to be streaming', async () => (await metric(ports[leaderIndex] ?? 0, 'perch_stream_connected')) === 1);
      const before = tweet('first replica, are you there?');
      await waitFor('the tweet before the crash', () => count(before) === 1);

      await replicas[leaderIndex]?.stop('SIGKILL');
      const whileFailingOver = tweet('anyone home while you switch?');
      await waitFor('the standby to lead', async () => (await metric(standbyPort, 'perch_leadership_leader')) === 1, 15_000);
      const after = tweet('standby, thanks for taking over');
      await waitFor('every tweet', () => [before, whileFailingOver, after].every((id) => count(id) >= 1), 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const id of [before, whileFailingOver, after]) expect(count(id)).toBe(1);
      expect(simulator.stats().streamConnectionsOpen).toBe(1);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});
