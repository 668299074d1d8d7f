import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { CRASH_AT_ENV } from '@perch/platform';
import { MemoryRoutingStore } from '@perch/routing';
import { e2eNamespace, EventTap, freePort, serviceEnv, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { ingestorEnv, ingestorProcess, waitForMetrics } from './support/ingestor-process.fixtures';

// The ingestor is SIGKILLed at each step of its path (PERCH_CRASH_AT, see crashPoint in @perch/platform) while it
// handles a customer's tweet; restarted without the crash point, it must still publish that tweet: no step loses one.
describe('ingestor killed at each step of publishing a tweet', () => {
  const brand = 'acme_support';
  const customer = 'crash_point_customer';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] } });
  let baseUrl = '';

  beforeAll(async () => {
    ({ baseUrl } = await simulator.start(await freePort()));
    simulator.createAccount({ username: customer, kind: 'customer' });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  async function healthy(port: number): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    } catch {
      return false;
    }
  }

  it.each([
    // Claimed, never published: the claim must lapse so that the restarted ingestor's poll publishes the tweet.
    { step: 'ingestor.after-claim', copiesOnTheTopic: 1 },
    // Published, never marked: the poll brings it again once the claim lapsed; the router keeps one interaction.
    { step: 'ingestor.after-publish', copiesOnTheTopic: 2 },
  ])('publishes the tweet it was handling when killed at $step', async ({ step, copiesOnTheTopic }) => {
    const { kafkaBrokers } = serviceEnv();
    const namespace = e2eNamespace(`crash-${step}`);
    const port = await freePort();
    // /metrics is served on the internal listener only.
    const internalPort = await freePort();
    const env = ingestorEnv({
      namespace,
      xApiBaseUrl: baseUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      extra: {
        // The shared test Redis persists nothing; what this test checks does not depend on Redis surviving a restart.
        REDIS_ALLOW_EPHEMERAL: 'true',
        INGESTOR_MENTIONS_POLL_MS: '500',
        // The dead process's lease and its in-flight claim lapse after these; short so the test does not wait long.
        INGESTOR_LEADER_TTL_MS: '2000',
        INGESTOR_CLAIM_TTL_MS: '2000',
      },
    });
    const published: EventEnvelope<InboundReceivedPayload>[] = [];
    const tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: `e2e-crash-${randomUUID()}` });
    const doomed = ingestorProcess({ ...env, [CRASH_AT_ENV]: step }, port, internalPort);
    const restarted = ingestorProcess(env, port, internalPort);
    try {
      await doomed.start();
      // Subscribed once the ingestor created its topics; from the beginning, so nothing it publishes is missed.
      await tap.bus.subscribe(Topics.InboundReceived, `e2e-crash-reader-${randomUUID()}`, async (e) => void published.push(e), { fromBeginning: true });
      // The first poll sets the brand's cursor at its newest mention: wait for it so the tweet below counts as new.
      await waitForMetrics('the stream and the first mentions poll', internalPort, [/perch_stream_connected\{[^}]*\} 1/, /perch_mentions_poll_polls\{[^}]*\} [1-9]/]);

      const id = simulator.createTweet({ authorUsername: customer, text: `@${brand} my parcel is lost (${step})` }).id;
      await waitFor(`the ingestor to kill itself at ${step}`, async () => !(await healthy(port)), 15_000);
      await doomed.stop('SIGKILL');

      await restarted.start();
      const copies = (): EventEnvelope<InboundReceivedPayload>[] => published.filter((e) => e.payload.messageId === id);
      await waitFor(`tweet ${id} on ${Topics.InboundReceived} after the restart`, () => copies().length >= copiesOnTheTopic, 30_000);
      // Give the stream and the poll time to bring anything more, then check that they did not.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      // X's own record: the customer's tweet exists, and every copy on the topic is that tweet.
      const onX = simulator.tweetsOf(customer).find((t) => t.id === id);
      expect(onX).toBeDefined();
      expect(copies().length).toBe(copiesOnTheTopic);
      for (const copy of copies()) expect(copy.payload).toMatchObject({ messageId: id, kind: 'mention', author: { username: customer } });

      // Downstream, the router's store applies a messageId once: every copy makes one interaction.
      const routing = new MemoryRoutingStore('crash-points');
      const outcomes: string[] = [];
      for (const copy of copies()) {
        const result = await routing.upsertInteraction({
          message: copy.payload,
          classification: {
            sentiment: 'negative',
            sentimentScore: 0.9,
            actionability: 'actionable',
            actionabilityScore: 0.8,
            sentimentFeatures: [],
            actionabilityFeatures: [],
            model: 'e2e',
          },
          priority: 1,
          correlationId: copy.correlationId,
          interactionIdIfNew: randomUUID(),
          now: Date.now(),
        });
        outcomes.push(result.kind);
      }
      expect(outcomes.filter((kind) => kind === 'created')).toHaveLength(1);
      expect(outcomes.filter((kind) => kind !== 'created').every((kind) => kind === 'duplicate')).toBe(true);
    } finally {
      await doomed.stop('SIGKILL');
      await restarted.stop();
      await tap.close();
    }
  });
});
