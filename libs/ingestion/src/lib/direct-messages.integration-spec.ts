import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';

import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type EventEnvelope, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { type EventBus, KafkaTransport, startEventBus, withNamespace } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { captureRawBody } from '@perch/service-kit';
import { deleteTopicsWithPrefix, waitFor } from '@perch/testing';
import { AccountActivityRegistrar, type BrandAccount, DmEventsReader, MentionsTimelineReader, TweetLookupReader, webhookSignature } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { AccountActivityRegistration } from './account-activity/account-activity-registration.domain';
import { ACCOUNT_ACTIVITY_WEBHOOK_PATH } from './account-activity/account-activity-webhook.controller';
import { AccountActivityWebhookSource } from './account-activity/account-activity-webhook-source.adapter';
import { RedisCursorStore } from './cursor/redis-cursor-store.adapter';
import { RedisDedupeStore } from './dedupe/redis-dedupe-store.adapter';
import { dmCursorKey, DmPollingSource } from './dm-polling-source.adapter';
import { IngestionModule } from './ingestion.module';
import { IngestorService } from './ingestor.domain';
import { mentionsCursorKey, MentionsPollingSource } from './mentions-polling-source.adapter';
import { TweetNormalizer } from './tweet-normalizer.domain';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.length > 0);
if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');

const CONSUMER_SECRET = `secret-${randomUUID()}`;
const BRAND_TOKEN = `brand-${randomUUID()}`;

/** One ingestor as apps/ingestor wires it (webhook + DM poll + mentions poll, Redis stores), minus the stream. */
interface RunningIngestor {
  ingestor: IngestorService;
  webhook: AccountActivityWebhookSource;
  dmPolling: DmPollingSource;
  mentions: MentionsPollingSource;
  registration: AccountActivityRegistration;
  stop(): Promise<void>;
}

// Customers write to the brand by DM while X's webhook delivers, drops and mis-signs; the ingestor (real Kafka, real
// Redis, the simulator through twitter-api-v2) publishes every customer DM exactly once and never the brand's own.
describe('direct message ingestion: Account Activity webhook + DM polling', () => {
  const namespace = `it-dm-${randomUUID().slice(0, 8)}`;
  const redisPrefix = `perch:test-${randomUUID()}:`;
  const simulator = new XSimulator({
    seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: 'acme_support', token: BRAND_TOKEN }] },
    rateLimits: 'generous',
    consumerSecret: CONSUMER_SECRET,
  });
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const kafka = new KafkaTransport({ brokers, clientId: 'it-dm', heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 100 });
  const published: EventEnvelope<InboundReceivedPayload>[] = [];
  let bus: EventBus;
  let simulatorUrl = '';
  let brand: BrandAccount;
  let port = 0;
  let running: RunningIngestor | undefined;

  async function startIngestor(): Promise<RunningIngestor> {
    const logger = createLogger('it-dm');
    const cursors = new RedisCursorStore(redis, `${redisPrefix}cursor:`);
    const webhook = new AccountActivityWebhookSource(
      [brand],
      { consumerSecret: CONSUMER_SECRET, tweetLookup: new TweetLookupReader({ apiBaseUrl: simulatorUrl }) },
      logger,
    );
    // Long intervals: the tests poll by hand, so what each poll brings is known.
    const dmPolling = new DmPollingSource(new DmEventsReader({ apiBaseUrl: simulatorUrl }), [brand], cursors, logger, { intervalMs: 600_000 });
    const mentions = new MentionsPollingSource(new MentionsTimelineReader({ apiBaseUrl: simulatorUrl }), [brand], cursors, logger, { intervalMs: 600_000 });
    const ingestor = new IngestorService(
      [webhook, dmPolling, mentions],
      new TweetNormalizer([brand]),
      new RedisDedupeStore(redis, `${redisPrefix}seen:`, { retentionSeconds: 600 }),
      bus,
      logger,
    );
    @Module({ imports: [IngestionModule.register({ ingestor, webhook })] })
    class ItIngestorModule {}
    const app: INestApplication = await NestFactory.create(ItIngestorModule, { logger: false });
    captureRawBody(app, [ACCOUNT_ACTIVITY_WEBHOOK_PATH]);
    await app.listen(port, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    const registration = new AccountActivityRegistration(
      new AccountActivityRegistrar({ appBearer: simulator.appBearerToken, apiBaseUrl: simulatorUrl }),
      [brand],
      `http://127.0.0.1:${port}${ACCOUNT_ACTIVITY_WEBHOOK_PATH}`,
      logger,
    );
    await registration.start();
    // The first scheduled polls place both cursors at the newest event; the tests start from there.
    await waitFor('the first polls', async () => (await cursors.get(dmCursorKey(brand.id))) !== undefined && (await cursors.get(mentionsCursorKey(brand.id))) !== undefined);
    return {
      ingestor,
      webhook,
      dmPolling,
      mentions,
      registration,
      stop: async () => {
        await registration.stop();
        await app.close();
      },
    };
  }

  function current(): RunningIngestor {
    if (!running) throw new Error('ingestor not running');
    return running;
  }

  function dm(from: string, to: string, text: string): string {
    return simulator.sendDirectMessage({ fromUsername: from, toUsername: to, text }).id;
  }

  function timesPublished(messageId: string, kind = 'dm'): number {
    return published.filter((e) => e.payload.messageId === messageId && e.payload.kind === kind).length;
  }

  beforeAll(async () => {
    simulatorUrl = (await simulator.start(0)).baseUrl;
    const account = simulator.account('acme_support');
    brand = { id: account.id, username: account.username, token: BRAND_TOKEN };
    for (const username of ['early_bird', 'night_owl', 'late_larry']) simulator.createAccount({ username, kind: 'customer', followsBrand: ['acme_support'] });
    bus = await startEventBus(withNamespace(kafka, namespace), { producer: 'ingestor', logger: createLogger('it-dm') });
    await bus.subscribe(Topics.InboundReceived, 'it-dm-reader', async (e) => void published.push(e), { fromBeginning: true });
    running = await startIngestor();
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    await bus.stop();
    await kafka.disconnect();
    await simulator.stop();
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await deleteTopicsWithPrefix(brokers, `${namespace}.`, 'it-dm-cleanup');
  });

  afterEach(() => simulator.clearWebhookFaults());

  it('registers its webhook through X’s CRC and subscribes the brand, and keeps passing X’s re-checks', async () => {
    expect(current().registration.counters).toMatchObject({ registered: 1, subscribedBrands: 1 });
    const [webhook] = simulator.webhooks();
    expect(webhook).toMatchObject({ url: `http://127.0.0.1:${port}/webhooks/x`, valid: true, subscriptions: [brand.id] });
    const checked = await simulator.runWebhookCrc();
    expect(checked[0]?.valid).toBe(true);
  });

  it('publishes each customer DM exactly once when both the webhook and the poll bring it, and never the brand’s own', async () => {
    const customer = [dm('early_bird', 'acme_support', 'my parcel never arrived'), dm('night_owl', 'acme_support', 'refund please')];
    const own = dm('acme_support', 'early_bird', 'Sorry about that, checking now.');
    customer.push(dm('early_bird', 'acme_support', 'order #1234'));
    await simulator.webhookDeliveriesSettled();
    await waitFor('the webhook deliveries on Kafka', () => customer.every((id) => timesPublished(id) === 1));
    await current().dmPolling.pollOnce(brand, handlersOf(current()));
    // The poll read the same DMs again; let anything it (wrongly) published arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    expect(customer.map((id) => timesPublished(id))).toEqual([1, 1, 1]);
    expect(timesPublished(own)).toBe(0);
    const payloads = customer.map((id) => published.find((e) => e.payload.messageId === id)?.payload);
    expect(payloads.map((p) => p?.source)).toEqual(['dm-webhook', 'dm-webhook', 'dm-webhook']);
    expect(payloads[0]).toMatchObject({ kind: 'dm', conversationKey: `${brand.id}:dm:${simulator.account('early_bird').id}`, author: { username: 'early_bird' } });
    expect(payloads[2]?.conversationKey).toBe(payloads[0]?.conversationKey);
  });

  it('backfills through the poll the DMs whose webhook deliveries X dropped', async () => {
    simulator.injectWebhookFaults({ dropRate: 1 });
    const lost = [dm('night_owl', 'acme_support', 'hello?'), dm('late_larry', 'acme_support', 'anyone there?')];
    await simulator.webhookDeliveriesSettled();
    expect(lost.map((id) => timesPublished(id))).toEqual([0, 0]);
    await current().dmPolling.pollOnce(brand, handlersOf(current()));
    await waitFor('the backfilled DMs on Kafka', () => lost.every((id) => timesPublished(id) === 1));
    expect(lost.map((id) => published.find((e) => e.payload.messageId === id)?.payload.source)).toEqual(['dm-poll', 'dm-poll']);
  });

  it('refuses mis-signed deliveries and unsigned or forged POSTs, publishes nothing from them, and the poll still brings the DM', async () => {
    simulator.injectWebhookFaults({ corruptSignature: true });
    const refusedBefore = current().webhook.counters.refusedBadSignature;
    const id = dm('early_bird', 'acme_support', 'is my DM getting through?');
    await simulator.webhookDeliveriesSettled();
    expect(current().webhook.counters.refusedBadSignature).toBe(refusedBefore + 1);

    const forged = JSON.stringify({
      for_user_id: brand.id,
      direct_message_events: [
        { type: 'message_create', id: '1999999999999999999', created_timestamp: String(Date.now()), message_create: { target: { recipient_id: brand.id }, sender_id: simulator.account('night_owl').id, message_data: { text: 'forged' } } },
      ],
    });
    const url = `http://127.0.0.1:${port}/webhooks/x`;
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: forged });
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': webhookSignature('guess', forged) }, body: forged });
    expect([unsigned.status, wrong.status]).toEqual([401, 403]);
    await new Promise((r) => setTimeout(r, 500));
    expect(timesPublished(id)).toBe(0);
    expect(timesPublished('1999999999999999999')).toBe(0);

    await current().dmPolling.pollOnce(brand, handlersOf(current()));
    await waitFor('the DM through the poll', () => timesPublished(id) === 1);
  });

  it('publishes a mention and a reply that reach the webhook, the mentions poll, and both, once each, the reply in its thread', async () => {
    const mention = simulator.createTweet({ authorUsername: 'late_larry', text: '@acme_support where is my order?' }).id;
    const reply = simulator.createTweet({ authorUsername: 'late_larry', text: 'it has been a week', inReplyToTweetId: mention }).id;
    await simulator.webhookDeliveriesSettled();
    await waitFor('the webhook tweets on Kafka', () => published.some((e) => e.payload.messageId === mention) && published.some((e) => e.payload.messageId === reply));
    await current().mentions.pollOnce(brand, handlersOf(current()));
    await new Promise((r) => setTimeout(r, 1000));
    const of = (id: string) => published.filter((e) => e.payload.messageId === id).map((e) => e.payload);
    expect(of(mention)).toHaveLength(1);
    expect(of(reply)).toHaveLength(1);
    expect(of(reply)[0]).toMatchObject({ kind: 'reply', source: 'tweet-webhook', conversationKey: `${brand.id}:${mention}`, inReplyToTweetId: mention });
  });

  it('resumes from the Redis cursor after a restart: the DMs sent while it was down, once each, nothing earlier again', async () => {
    const before = dm('night_owl', 'acme_support', 'before the restart');
    await simulator.webhookDeliveriesSettled();
    await waitFor('the DM before the restart', () => timesPublished(before) === 1);
    await current().dmPolling.pollOnce(brand, handlersOf(current()));
    await current().stop();
    await current().ingestor.stop();
    running = undefined;

    // Nobody listens: X's deliveries fail and, like X, the simulator does not retry them.
    const whileDown = [dm('early_bird', 'acme_support', 'while you were down'), dm('late_larry', 'acme_support', 'still down?')];
    await simulator.webhookDeliveriesSettled();

    // The restarted ingestor's first poll, on its own, reads from the cursor it finds in Redis.
    running = await startIngestor();
    await waitFor('the DMs sent while down', () => whileDown.every((id) => timesPublished(id) === 1));
    await new Promise((r) => setTimeout(r, 500));
    // It handed over exactly what came after the cursor: no gap, and nothing from before the restart.
    expect(current().dmPolling.counters.delivered).toBe(2);
    expect(timesPublished(before)).toBe(1);
    expect(whileDown.map((id) => published.find((e) => e.payload.messageId === id)?.payload.source)).toEqual(['dm-poll', 'dm-poll']);
  });
});

/** The handlers the ingestor gave its sources, to drive a poll by hand through the real ingest path. */
function handlersOf(running: RunningIngestor): Parameters<DmPollingSource['pollOnce']>[1] {
  const ingestor = running.ingestor;
  return {
    onTweet: (result, receivedAt, source) => ingestor.ingest(result, receivedAt, source),
    onDirectMessage: (message, receivedAt, source) => ingestor.ingestDirectMessage(message, receivedAt, source),
    onProblem: () => undefined,
  };
}
