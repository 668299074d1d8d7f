import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type InboundReceivedPayload } from '@perch/contracts';
import { e2eNamespace, freePort, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { type IngestorRun, startIngestorRun, waitForMetrics } from './support/ingestor-process.fixtures';

// Customers DM the brand while X loses half of the Account Activity deliveries. The ingestor (a real process on Kafka
// and Redis) registers its own webhook through X's CRC at start-up, takes the signed deliveries on its HTTP port and
// backfills the lost ones by polling the DM events: every customer DM is published exactly once, the brand's never.
describe('direct message ingestion (ingestor process, Account Activity webhook)', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const consumerSecret = `secret-${randomUUID()}`;
  const namespace = e2eNamespace('dms');
  const simulator = new XSimulator({
    seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: brand, token: brandToken }] },
    rateLimits: 'generous',
    consumerSecret,
  });
  const published: EventEnvelope<InboundReceivedPayload>[] = [];
  let run: IngestorRun;

  beforeAll(async () => {
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    for (const username of ['early_bird', 'night_owl']) simulator.createAccount({ username, kind: 'customer', followsBrand: [brand] });
    run = await startIngestorRun({
      name: 'dms',
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer: simulator.appBearerToken,
      brandTokens: `${brand}=${brandToken}`,
      webhookConsumerSecret: consumerSecret,
      extra: { INGESTOR_DM_POLL_MS: '1000' },
      published,
    });
  });

  afterAll(async () => {
    await run.stop();
    await simulator.stop();
  });

  it('publishes every customer DM exactly once through lost webhook deliveries, and none of the brand’s own', async () => {
    await waitForMetrics('the webhook registration and the first DM poll', run.internalPort, [
      /perch_webhook_registration_registered\{[^}]*\} 1/,
      /perch_dm_poll_polls\{[^}]*\} [1-9]/,
    ]);
    expect(simulator.webhooks()).toEqual([expect.objectContaining({ valid: true, subscriptions: [simulator.account(brand).id] })]);

    const unsigned = await fetch(`http://127.0.0.1:${run.port}/webhooks/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ for_user_id: simulator.account(brand).id, direct_message_events: [] }),
    });
    expect(unsigned.status).toBe(401);

    simulator.injectWebhookFaults({ dropRate: 0.5 });
    const customerDms: string[] = [];
    const ownDms: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      customerDms.push(simulator.sendDirectMessage({ fromUsername: i % 2 ? 'early_bird' : 'night_owl', toUsername: brand, text: `question ${i}` }).id);
      if (i % 5 === 0) ownDms.push(simulator.sendDirectMessage({ fromUsername: brand, toUsername: 'early_bird', text: `answer ${i}` }).id);
    }
    await waitFor('every customer DM on Kafka', () => customerDms.every((id) => published.some((e) => e.payload.messageId === id)), 30_000, 100);
    // Let a poll and any late delivery bring something twice, then check that nothing came twice.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const dms = published.filter((e) => e.payload.kind === 'dm');
    const counts = new Map<string, number>();
    for (const e of dms) counts.set(e.payload.messageId, (counts.get(e.payload.messageId) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...customerDms].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(dms.some((e) => ownDms.includes(e.payload.messageId))).toBe(false);
    expect(new Set(dms.map((e) => e.payload.source))).toEqual(new Set(['dm-webhook', 'dm-poll']));
  }, 60_000);
});
