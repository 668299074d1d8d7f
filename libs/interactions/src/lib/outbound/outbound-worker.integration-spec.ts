import { randomUUID } from 'node:crypto';

import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundRequestedPayload,
  Topics,
  isFinalOutbound,
} from '@perch/contracts';
import { type EventPublisher, RecordingEventPublisher } from '@perch/messaging';
import { DeferredError } from '@perch/platform';
import { TwitterApiXAdapter } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { OutboundWorker } from './outbound-worker.service';
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

  beforeAll(async () => {
    const { baseUrl } = await simulator.start(0);
    x = new TwitterApiXAdapter({ apiBaseUrl: baseUrl });
    brand = { id: simulator.account('acme_support').id, username: 'acme_support', token: brandToken };
    idempotency = new RedisOutboundIdempotencyStore({ redis, keyPrefix });
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
    return new OutboundWorker({ idempotency, x, brands: [brand], publisher, workerId, leaseMs: 300 });
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
    // The worker defers the command; the bus brings it back later (here: at once).
    await expect(worker(publisher).handle(event)).rejects.toBeInstanceOf(DeferredError);
    expect(publisher.waits).toEqual([expect.objectContaining({ failure: expect.objectContaining({ code: 'x-unavailable' }) })]);
    await worker(publisher).handle(event);
    expect(repliesTo(question)).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent', tweetId: repliesTo(question)[0]?.id })]);
  });

  it('posts once through a burst of 503s that create nothing', async () => {
    const { question, event } = replyTo('the app will not load');
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 2, path: '/2/tweets', method: 'POST' }] });
    const publisher = new Completions();
    await expect(worker(publisher).handle(event)).rejects.toBeInstanceOf(DeferredError);
    await expect(worker(publisher).handle(event)).rejects.toBeInstanceOf(DeferredError);
    expect(publisher.waits).toHaveLength(2);
    await worker(publisher).handle(event);
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
