import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { type AddressInfo } from 'node:net';

import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type DeadLetterRecord, type InboundReceivedPayload } from '@perch/contracts';
import { MemoryTransport } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { captureRawBody } from '@perch/service-kit';
import { waitFor } from '@perch/testing';
import { crcResponseToken, webhookSignature } from '@perch/x-client';

import { MemoryDedupeStore } from '../dedupe/memory-dedupe-store.adapter';
import { IngestionModule } from '../ingestion.module';
import { IngestorService } from '../ingestor.domain';
import { ingestorBusCapturing, ManualSource } from '../testing/inbound-capture.fixtures';
import { TweetNormalizer } from '../tweet-normalizer.domain';
import { ACCOUNT_ACTIVITY_WEBHOOK_PATH } from './account-activity-webhook.controller';
import { AccountActivityWebhookSource } from './account-activity-webhook-source.adapter';

const SECRET = 'perch-consumer-secret';
const BRAND = { id: '4337869213', username: 'acme_support', token: 'brand-token' };
const CUSTOMER = '3001969357';

function dmDelivery(id: string, senderId = CUSTOMER, forUserId = BRAND.id): Record<string, unknown> {
  const recipient = senderId === forUserId ? CUSTOMER : forUserId;
  return {
    for_user_id: forUserId,
    direct_message_events: [
      {
        type: 'message_create',
        id,
        created_timestamp: '1516403560557',
        message_create: { target: { recipient_id: recipient }, sender_id: senderId, message_data: { text: 'Hello World!', entities: { user_mentions: [] } } },
      },
    ],
    users: { [CUSTOMER]: { id: CUSTOMER, name: 'Jordan Brinks', screen_name: 'furiouscamper', followers_count: 22, friends_count: 45, statuses_count: 494 } },
  };
}

function mentionDelivery(tweetId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    for_user_id: BRAND.id,
    tweet_create_events: [
      {
        created_at: 'Wed Oct 10 20:19:24 +0000 2018',
        id_str: tweetId,
        text: '@acme_support my order never arrived',
        in_reply_to_status_id_str: null,
        user: { id_str: CUSTOMER, name: 'Jordan Brinks', screen_name: 'furiouscamper', followers_count: 22, friends_count: 45, statuses_count: 494 },
        entities: { user_mentions: [{ screen_name: 'acme_support', id_str: BRAND.id, indices: [0, 13] }] },
        ...extra,
      },
    ],
  };
}

describe('Account Activity webhook over HTTP', () => {
  let app: INestApplication;
  let base: string;
  let transport: MemoryTransport;
  let webhook: AccountActivityWebhookSource;
  let stream: ManualSource;
  let ingestor: IngestorService;
  const published: InboundReceivedPayload[] = [];
  const deadLetters: DeadLetterRecord[] = [];

  beforeAll(async () => {
    transport = new MemoryTransport();
    const bus = await ingestorBusCapturing(transport, published, deadLetters);
    webhook = new AccountActivityWebhookSource([BRAND], { consumerSecret: SECRET }, createLogger('test'));
    stream = new ManualSource();
    ingestor = new IngestorService([stream, webhook], new TweetNormalizer([BRAND]), new MemoryDedupeStore(), bus, createLogger('test'));

    @Module({ imports: [IngestionModule.register({ ingestor, webhook })] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    captureRawBody(app, [ACCOUNT_ACTIVITY_WEBHOOK_PATH]);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${ACCOUNT_ACTIVITY_WEBHOOK_PATH}`;
  });

  afterAll(async () => {
    await app.close();
    await transport.disconnect();
  });

  beforeEach(() => {
    published.length = 0;
    deadLetters.length = 0;
  });

  function post(body: string, signature: string | undefined): Promise<Response> {
    return fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-twitter-webhooks-signature': signature }) },
      body,
    });
  }

  function signed(payload: unknown): Promise<Response> {
    const body = JSON.stringify(payload);
    return post(body, webhookSignature(SECRET, Buffer.from(body)));
  }

  it.each([
    ['the UUID of X’s docs', '9b4507b3-9040-4669-9ca3-6b94edb50553'],
    ['base64 of a UUID, as X sends', 'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0'],
    ['24 random bytes in base64url, as the simulator sends', randomBytes(24).toString('base64url')],
    ['standard base64 with padding', Buffer.from('sixteen bytes!!!').toString('base64')],
  ])('answers X’s CRC challenge for %s with the HMAC of the token under the consumer secret', async (_format, token) => {
    const response = await fetch(`${base}?crc_token=${encodeURIComponent(token)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ response_token: crcResponseToken(SECRET, token) });
  });

  it('refuses a CRC request without a token', async () => {
    expect((await fetch(base)).status).toBe(400);
  });

  it.each([
    ['a JSON object', '{"for_user_id":"4337869213"}'],
    ['a quote', 'aaaaaaaaaaaaaaaa"'],
    ['a colon', 'aaaaaaaa:aaaaaaaa'],
    ['a space', 'aaaaaaaa aaaaaaaa'],
    ['fewer than 16 characters', 'a'.repeat(15)],
    ['more than 64 characters', 'a'.repeat(65)],
  ])('refuses to sign a crc_token with %s, saying why', async (_what, token) => {
    const before = webhook.counters.crcRefused;
    const response = await fetch(`${base}?crc_token=${encodeURIComponent(token)}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/crc_token must be 16 to 64 characters/);
    expect(webhook.counters.crcRefused).toBe(before + 1);
  });

  it('cannot be made to sign a forged delivery through the CRC: asked to sign a JSON body, it refuses, and the body posted with its answer is refused', async () => {
    // The attack: have the CRC sign a delivery of the attacker's choosing, then POST it with that answer as its signature.
    const forged = JSON.stringify(dmDelivery('954491830116155450'));
    const crc = await fetch(`${base}?crc_token=${encodeURIComponent(forged)}`);
    const answer = (await crc.json()) as { response_token?: string };
    const delivery = await post(forged, answer.response_token ?? 'sha256=');
    expect(delivery.status).toBe(403);
    expect(crc.status).toBe(400);
    expect(answer.response_token).toBeUndefined();
    expect(published).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it('refuses a signed body that is not a JSON object without dead-lettering it, even one signed through the CRC', async () => {
    // A token of X's format can still be JSON (a number): the CRC signs it, so a delivery must also be an object.
    const token = '1234567890123456789';
    const crc = await fetch(`${base}?crc_token=${token}`);
    const { response_token } = (await crc.json()) as { response_token: string };
    const before = { ...webhook.counters };
    const delivery = await post(token, response_token);
    expect(delivery.status).toBe(400);
    expect(((await delivery.json()) as { message: string }).message).toBe('webhook body must be a JSON object');
    expect(webhook.counters.refusedNotObject).toBe(before.refusedNotObject + 1);
    expect(webhook.counters.refusedMalformed).toBe(before.refusedMalformed);
    expect(published).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it('publishes a signed customer DM as a dm from the webhook', async () => {
    expect((await signed(dmDelivery('954491830116155396'))).status).toBe(200);
    await waitFor('one event published', () => published.length === 1);
    expect(published[0]).toMatchObject({
      messageId: '954491830116155396',
      kind: 'dm',
      source: 'dm-webhook',
      conversationKey: `${BRAND.id}:dm:${CUSTOMER}`,
      threadId: `${CUSTOMER}-${BRAND.id}`,
      author: { username: 'furiouscamper', followersCount: 22 },
    });
  });

  it('accepts the echo of the brand’s own DM and publishes nothing', async () => {
    const ignoredBefore = ingestor.counters.ignored;
    expect((await signed(dmDelivery('954491830116155397', BRAND.id))).status).toBe(200);
    expect(ingestor.counters.ignored).toBe(ignoredBefore + 1);
    expect(published).toEqual([]);
  });

  it('refuses an unsigned delivery with 401 and ingests nothing from it', async () => {
    const response = await post(JSON.stringify(dmDelivery('954491830116155398')), undefined);
    expect(response.status).toBe(401);
    expect(webhook.counters.refusedMissingSignature).toBe(1);
    expect(published).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it('refuses a delivery signed with another secret, or altered after signing, with 403', async () => {
    const body = JSON.stringify(dmDelivery('954491830116155399'));
    expect((await post(body, webhookSignature('not-our-secret', Buffer.from(body)))).status).toBe(403);
    const altered = body.replace('Hello World!', 'Hello World?');
    expect((await post(altered, webhookSignature(SECRET, Buffer.from(body)))).status).toBe(403);
    expect(published).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it('checks the signature over the bytes as sent, not over re-serialized JSON', async () => {
    const body = `{ "for_user_id" : "${BRAND.id}",\n  "direct_message_events": ${JSON.stringify((dmDelivery('954491830116155400') as { direct_message_events: unknown }).direct_message_events)} }`;
    expect((await post(body, webhookSignature(SECRET, Buffer.from(body)))).status).toBe(200);
    await waitFor('one event published', () => published.length === 1);
  });

  it('answers malformed JSON with a valid signature with 400 and dead-letters the body', async () => {
    const body = '{"for_user_id":"4337869213","direct_message_events":[';
    expect((await post(body, webhookSignature(SECRET, Buffer.from(body)))).status).toBe(400);
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.account-activity', value: body, reason: expect.stringMatching(/^unparsable webhook body/) });
  });

  it('dead-letters a delivery for an account Perch does not serve, and does not ask X to send it again', async () => {
    expect((await signed(dmDelivery('954491830116155401', CUSTOMER, '12345'))).status).toBe(200);
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]?.reason).toBe('webhook delivery for account 12345, which is not a brand Perch serves');
    expect(published).toEqual([]);
  });

  it('publishes a mention seen on the stream and on the webhook once', async () => {
    expect((await signed(mentionDelivery('1050118621198921728'))).status).toBe(200);
    await stream.handlers?.onTweet(
      {
        data: { id: '1050118621198921728', text: '@acme_support my order never arrived', author_id: CUSTOMER, edit_history_tweet_ids: ['1050118621198921728'] },
        matching_rules: [{ id: '1', tag: `brand:${BRAND.id}` }],
      },
      Date.now(),
      'stream',
    );
    await waitFor('one event published and the repeat counted as a duplicate', () => published.length === 1 && ingestor.counters.duplicates > 0);
    expect(published[0]).toMatchObject({ messageId: '1050118621198921728', kind: 'mention', conversationKey: `${BRAND.id}:1050118621198921728` });
  });

  it('skips retweets, and leaves a reply whose thread it cannot look up to the stream and the poll', async () => {
    const before = { ...webhook.counters };
    await signed(mentionDelivery('1050118621198921730', { retweeted_status: { id_str: '1050118621198921700' } }));
    await signed(mentionDelivery('1050118621198921731', { in_reply_to_status_id_str: '1050118621198921700' }));
    expect(webhook.counters.retweetsSkipped).toBe(before.retweetsSkipped + 1);
    expect(webhook.counters.repliesLeftToPolling).toBe(before.repliesLeftToPolling + 1);
    expect(published).toEqual([]);
  });

  it('counts follow and unfollow events without publishing anything', async () => {
    const before = { ...webhook.counters };
    const follow = (type: string) => ({ type, created_timestamp: '1517588749178', source: { id: CUSTOMER }, target: { id: BRAND.id } });
    expect((await signed({ for_user_id: BRAND.id, follow_events: [follow('follow'), follow('unfollow')] })).status).toBe(200);
    expect(webhook.counters.follows).toBe(before.follows + 1);
    expect(webhook.counters.unfollows).toBe(before.unfollows + 1);
    expect(published).toEqual([]);
  });
});

describe(AccountActivityWebhookSource.name, () => {
  const body = Buffer.from(JSON.stringify(dmDelivery('954491830116155500')));

  it('asks X to deliver again (503) when a message could not be published', async () => {
    const source = new AccountActivityWebhookSource([BRAND], { consumerSecret: SECRET }, createLogger('test'));
    await source.start({
      onTweet: async () => undefined,
      onDirectMessage: async () => {
        throw new Error('broker down');
      },
      onProblem: () => undefined,
    });
    expect(await source.receive(body, webhookSignature(SECRET, body))).toMatchObject({ status: 503 });
    expect(source.counters.publishFailures).toBe(1);
  });

  it('refuses deliveries until the ingestor started it', async () => {
    const source = new AccountActivityWebhookSource([BRAND], { consumerSecret: SECRET }, createLogger('test'));
    expect(await source.receive(body, webhookSignature(SECRET, body))).toMatchObject({ status: 503, reason: 'ingestor is not running' });
  });

  it('joins a webhook reply to its thread through the lookup, tagged with the brand it reached', async () => {
    const handed: { id: string; conversation?: string; tag?: string }[] = [];
    const replyId = '1050118621198921740';
    const source = new AccountActivityWebhookSource(
      [BRAND],
      {
        consumerSecret: SECRET,
        tweetLookup: {
          lookup: async (token, ids) => {
            expect(token).toBe(BRAND.token);
            return ids.map((id) => ({
              data: { id, text: '@acme_support still waiting', author_id: CUSTOMER, conversation_id: '1050118621198921700', edit_history_tweet_ids: [id] },
              matching_rules: [],
            }));
          },
        },
      },
      createLogger('test'),
    );
    await source.start({
      onTweet: async (tweet) => void handed.push({ id: tweet.data.id, conversation: tweet.data.conversation_id, tag: tweet.matching_rules[0]?.tag }),
      onDirectMessage: async () => undefined,
      onProblem: () => undefined,
    });
    const reply = Buffer.from(JSON.stringify(mentionDelivery(replyId, { in_reply_to_status_id_str: '1050118621198921700' })));
    expect(await source.receive(reply, webhookSignature(SECRET, reply))).toMatchObject({ status: 200 });
    expect(handed).toEqual([{ id: replyId, conversation: '1050118621198921700', tag: `brand:${BRAND.id}` }]);
  });
});
