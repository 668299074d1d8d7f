import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type InboundReceivedPayload } from '@perch/contracts';
import { e2eNamespace, freePort, waitFor } from '@perch/testing';
import { MentionsTimelineReader } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';

import { type IngestorRun, startIngestorRun, waitForMetrics } from './support/ingestor-process.fixtures';

// X misbehaves while customers tweet: the stream drops mid-traffic, then refuses reconnects with 503s.
// The ingestor (a real process on Kafka and Redis) reconnects with X's backoff while the mentions poll covers
// the gap; every customer tweet is published exactly once, checked against the simulator's own record.
describe('ingestion under X faults', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const namespace = e2eNamespace('faults');
  const simulator = new XSimulator({
    seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] },
    rateLimits: 'generous',
  });
  const published: EventEnvelope<InboundReceivedPayload>[] = [];
  let simulatorUrl = '';
  let run: IngestorRun;

  beforeAll(async () => {
    simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    run = await startIngestorRun({
      name: 'faults',
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      extra: { INGESTOR_MENTIONS_POLL_MS: '1000' },
      published,
    });
  });

  afterAll(async () => {
    await run.stop();
    await simulator.stop();
  });

  async function fault(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${simulatorUrl}/admin/faults/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
  }

  it('publishes every customer tweet exactly once through a dropped stream and a burst of 503s', async () => {
    await waitForMetrics('the stream and the first poll', run.internalPort, [/perch_stream_connected\{[^}]*\} 1/, /perch_mentions_poll_polls\{[^}]*\} [1-9]/]);
    simulator.startGenerator({ rate: 40, count: 240, customers: 60, brand, replyRatio: 0.1, seed: namespace });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await fault('stream-refuse', { count: 2, status: 503 });
    await fault('stream-drop', { hard: true });
    await waitFor('the generator to finish', () => simulator.stats().tweetsByOrigin.generator >= 240, 30_000);

    // The simulator's own record of every mention of the brand, read through X's API.
    const account = simulator.account(brand);
    const onX = await new MentionsTimelineReader({ apiBaseUrl: simulatorUrl }).readSince({
      token: brandToken,
      userId: account.id,
      sinceId: '0',
    });
    const customerTweets = onX.tweets.map((t) => t.data.id);
    await waitFor(
      'every mention on Kafka',
      () => customerTweets.every((id) => published.some((e) => e.payload.messageId === id)),
      60_000,
      200,
    );
    // Give the stream and the poll time to bring anything twice, then check that they did not.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const counts = new Map<string, number>();
    for (const e of published) counts.set(e.payload.messageId, (counts.get(e.payload.messageId) ?? 0) + 1);
    expect(customerTweets.length).toBe(240);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(published.some((e) => e.payload.source === 'mentions-poll')).toBe(true);
  }, 120_000);
});
