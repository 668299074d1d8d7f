import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';
import { UNLIMITED_RATE_LIMITS, XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { createOutboundXAdapter } from './outbound-x-adapter.util';
import { OutboundWorker } from './outbound-worker.domain';
import { RedisDeferredOutboundStore } from './redis-deferred-outbound-store.adapter';
import { RedisOutboundIdempotencyStore } from './redis-outbound-idempotency-store.adapter';

// Two replicas acting for one brand in parallel against the simulator under a tiny tweets window (3 per 15 min),
// with the claims and the brand's pause in real Redis: X's window is spent once, and no replica draws a 429.
describe('one brand in parallel across replicas, within X limits', () => {
  const brandToken = `brand-${randomUUID()}`;
  const simulator = new XSimulator({
    seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: 'acme_support', token: brandToken }] },
    rateLimits: { ...UNLIMITED_RATE_LIMITS, 'tweets.create': { user: { limit: 3, windowMs: 15 * 60_000 } } },
  });
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const keyPrefix = `perch:test-${randomUUID()}:outbound:`;
  let baseUrl: string;
  let brand: { id: string; username: string; token: string };
  let deferred: RedisDeferredOutboundStore;
  let idempotency: RedisOutboundIdempotencyStore;

  beforeAll(async () => {
    ({ baseUrl } = await simulator.start(0));
    brand = { id: simulator.account('acme_support').id, username: 'acme_support', token: brandToken };
    idempotency = new RedisOutboundIdempotencyStore({ redis, keyPrefix });
    deferred = new RedisDeferredOutboundStore({ redis, keyPrefix });
    simulator.createAccount({ username: 'busy_bea', kind: 'customer' });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await simulator.stop();
  });

  /** A replica: its own X client (and so its own view of X's windows), the shared Redis stores. */
  function replica(name: string, publisher: RecordingEventPublisher): OutboundWorker {
    return new OutboundWorker({ idempotency, deferred, x: createOutboundXAdapter({ apiBaseUrl: baseUrl }), brands: [brand], publisher, workerId: name, brandConcurrency: 4 });
  }

  function replyTo(i: number): EventEnvelope<OutboundRequestedPayload> {
    const question = simulator.createTweet({ authorUsername: 'busy_bea', text: `@acme_support question ${i}` });
    const payload: OutboundRequestedPayload = {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: brand.id,
      agentId: 'ada',
      interactionId: randomUUID(),
      conversationKey: `${brand.id}:${question.id}`,
      inReplyToTweetId: question.id,
      text: `@busy_bea answer ${i} (${randomUUID().slice(0, 6)})`,
      requestedAt: Date.now(),
    };
    return { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'corr', schemaVersion: 1, producer: 'gateway', payload };
  }

  it("spends the window once, then both replicas defer the brand's replies until the reset without asking X", async () => {
    const publisher = new RecordingEventPublisher();
    const first = Array.from({ length: 5 }, (_, i) => replyTo(i));
    const a = replica('replica-a', publisher);
    await Promise.all(first.map((event) => a.handle(event)));

    expect(simulator.tweetsOf('acme_support')).toHaveLength(3);
    const pausedMs = await deferred.pausedForMs(`${brand.id}:tweets.create`);
    expect(pausedMs).toBeGreaterThan(10 * 60_000);

    // The other replica has never talked to X for this brand: the shared pause keeps it from trying.
    const requestsBefore = simulator.stats().requests;
    const second = Array.from({ length: 3 }, (_, i) => replyTo(10 + i));
    const b = replica('replica-b', publisher);
    await Promise.all(second.map((event) => b.handle(event)));
    expect(simulator.stats().requests).toBe(requestsBefore);
    expect(simulator.stats().rateLimited).toBe(0);

    const waiting = (await deferred.due(Date.now() + 16 * 60_000, 100)).map((d) => d.event.payload.commandId);
    const postedIds = publisher.on(Topics.OutboundCompleted).filter((e) => e.payload.status === 'sent').map((e) => e.payload.commandId);
    expect(postedIds).toHaveLength(3);
    // Nothing lost: every reply is either on X or waiting for the reset.
    expect([...postedIds, ...waiting].sort()).toEqual([...first, ...second].map((e) => e.payload.commandId).sort());
  });
});
