import { randomUUID } from 'node:crypto';

import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundRequestedPayload,
  Topics,
  isFinalOutbound,
} from '@perch/contracts';
import { type EventPublisher, RecordingEventPublisher } from '@perch/messaging';
import { TwitterApiXAdapter } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { OutboundWorker } from './outbound-worker.domain';
import { OutboundRedriver } from './outbound-redriver.domain';
import { RedisDeferredOutboundStore } from './redis-deferred-outbound-store.adapter';
import { RedisOutboundIdempotencyStore } from './redis-outbound-idempotency-store.adapter';

class Completions extends RecordingEventPublisher {
  /** Final results only; a 'waiting' outcome tells the agent why an action is late, and is not one. */
  get results(): OutboundCompletedPayload[] {
    return this.on(Topics.OutboundCompleted)
      .map((e) => e.payload)
      .filter(isFinalOutbound);
  }

  get waits(): OutboundCompletedPayload[] {
    return this.on(Topics.OutboundCompleted)
      .map((e) => e.payload)
      .filter((p) => !isFinalOutbound(p));
  }
}

// Replies under X's faults, with real Redis claims and X simulated through twitter-api-v2: whatever X does,
// each reply is on X exactly once, checked against the simulator's own record.
describe('outbound replies under X faults', () => {
  const brandToken = `brand-${randomUUID()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: 'acme_support', token: brandToken }] } });
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const keyPrefix = `perch:test-${randomUUID()}:outbound:`;
  let x: TwitterApiXAdapter;
  let brand: { id: string; username: string; token: string };
  let idempotency: RedisOutboundIdempotencyStore;
  let deferred: RedisDeferredOutboundStore;

  beforeAll(async () => {
    const { baseUrl } = await simulator.start(0);
    x = new TwitterApiXAdapter({ apiBaseUrl: baseUrl });
    brand = { id: simulator.account('acme_support').id, username: 'acme_support', token: brandToken };
    idempotency = new RedisOutboundIdempotencyStore({ redis, keyPrefix });
    deferred = new RedisDeferredOutboundStore({ redis, keyPrefix });
    simulator.createAccount({ username: 'impatient_ian', kind: 'customer' });
  });

  afterEach(() => simulator.clearHttpFaults());

  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await simulator.stop();
  });

  function replyTo(text: string): { question: string; event: EventEnvelope<OutboundRequestedPayload> } {
    const question = simulator.createTweet({ authorUsername: 'impatient_ian', text: `@acme_support ${text}` }).id;
    const payload: OutboundRequestedPayload = {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: brand.id,
      agentId: 'ada',
      interactionId: randomUUID(),
      inReplyToTweetId: question,
      text: `@impatient_ian Sorted: ${text} (${randomUUID().slice(0, 6)})`,
      requestedAt: Date.now(),
    };
    return {
      question,
      event: { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'corr', schemaVersion: 1, producer: 'gateway', payload },
    };
  }

  const repliesTo = (question: string) => simulator.tweetsOf('acme_support').filter((t) => t.inReplyToTweetId === question);

  function worker(publisher: EventPublisher, workerId = 'worker-a'): OutboundWorker {
    return new OutboundWorker({ idempotency, deferred, x, brands: [brand], publisher, workerId, leaseMs: 300 });
  }

  /**
   * What the gateway's OutboundRedriver does once the deferral is due (its clock set a minute ahead here): the
   * command leaves Redis and is published again; the event it publishes is what the worker handles next.
   */
  async function redriven(publisher: Completions, commandId: string): Promise<EventEnvelope<OutboundRequestedPayload>> {
    const redriver = new OutboundRedriver({ store: deferred, publisher, clock: { now: () => Date.now() + 60_000 } });
    expect(await redriver.redriveDue()).toBeGreaterThanOrEqual(1);
    const again = publisher.on(Topics.OutboundRequested).filter((e) => e.payload.commandId === commandId).at(-1);
    if (!again) throw new Error(`command ${commandId} was not published again`);
    expect((await deferred.due(Date.now() + 60_000, 1000)).map((d) => d.event.payload.commandId)).not.toContain(commandId);
    return again;
  }

  it('posts once when a worker dies between X’s answer and recording it', async () => {
    const { question, event } = replyTo('my card was charged twice');
    expect((await idempotency.claim(event.payload.commandId, 'worker-that-dies', 300)).status).toBe('claimed');
    await x.postTweet({ brandToken, text: event.payload.text ?? '', inReplyToTweetId: question });

    const publisher = new Completions();
    await worker(publisher, 'survivor').handle(event);
    expect(repliesTo(question)).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent', tweetId: repliesTo(question)[0]?.id })]);
    await worker(publisher, 'survivor').handle(event);
    expect(repliesTo(question)).toHaveLength(1);
  });

  it('posts once when X creates the reply but answers 503', async () => {
    const { question, event } = replyTo('where is my refund');
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 1, path: '/2/tweets', method: 'POST', afterEffect: true }] });
    const publisher = new Completions();
    // The worker defers the command in Redis; the redriver puts it back on the topic once due.
    await worker(publisher).handle(event);
    expect(publisher.waits).toEqual([expect.objectContaining({ failure: expect.objectContaining({ code: 'x-unavailable' }) })]);
    await worker(publisher).handle(await redriven(publisher, event.payload.commandId));
    expect(repliesTo(question)).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent', tweetId: repliesTo(question)[0]?.id })]);
  });

  it('posts once through a burst of 503s that create nothing', async () => {
    const { question, event } = replyTo('the app will not load');
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 2, path: '/2/tweets', method: 'POST' }] });
    const publisher = new Completions();
    await worker(publisher).handle(event);
    await worker(publisher).handle(await redriven(publisher, event.payload.commandId));
    expect(publisher.waits).toHaveLength(2);
    await worker(publisher).handle(await redriven(publisher, event.payload.commandId));
    expect(repliesTo(question)).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('waits out a 429 storm instead of failing, and posts once', async () => {
    const { question, event } = replyTo('my order is late');
    simulator.injectHttpFaults({ rules: [{ status: 429, count: 2, path: '/2/tweets', method: 'POST' }] });
    const publisher = new Completions();
    await worker(publisher).handle(event);
    expect(repliesTo(question)).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent' })]);
  }, 20_000);
});
