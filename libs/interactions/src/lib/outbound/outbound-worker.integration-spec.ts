import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type OutboundCompletedPayload, type OutboundRequestedPayload, type PayloadOf, type TopicName } from '@perch/contracts';
import { type EventPublisher, type PublishContext } from '@perch/messaging';
import { TwitterApiXAdapter } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { OutboundWorker } from './outbound-worker.service';
import { RedisOutboundIdempotencyStore } from './redis-outbound-idempotency-store.adapter';

class Completions implements EventPublisher {
  readonly results: OutboundCompletedPayload[] = [];
  async publish<T extends TopicName>(_topic: T, payload: PayloadOf<T>, context: PublishContext): Promise<EventEnvelope<PayloadOf<T>>> {
    this.results.push(payload as OutboundCompletedPayload);
    return { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: context.correlationId, schemaVersion: 1, producer: 'test', payload };
  }
}

// A worker posts a reply and dies before recording it (real Redis claims, X simulated through twitter-api-v2).
// The worker that takes the command over after the lease finds the reply on X and posts nothing: one reply.
describe('outbound worker killed between posting and recording', () => {
  const brandToken = `brand-${randomUUID()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: 'acme_support', token: brandToken }] } });
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const keyPrefix = `perch:test-${randomUUID()}:outbound:`;

  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await simulator.stop();
  });

  it('posts the reply exactly once', async () => {
    const { baseUrl } = await simulator.start(0);
    const brand = { id: simulator.account('acme_support').id, username: 'acme_support', token: brandToken };
    simulator.createAccount({ username: 'impatient_ian', kind: 'customer' });
    const question = simulator.createTweet({ authorUsername: 'impatient_ian', text: '@acme_support my card was charged twice' }).id;
    const x = new TwitterApiXAdapter({ apiBaseUrl: baseUrl });
    const idempotency = new RedisOutboundIdempotencyStore({ redis, keyPrefix });
    const command: OutboundRequestedPayload = {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: brand.id,
      agentId: 'ada',
      interactionId: randomUUID(),
      inReplyToTweetId: question,
      text: '@impatient_ian Refunded the second charge, sorry about that!',
      requestedAt: Date.now(),
    };

    // The first worker: claims, posts, and dies before it can record the result.
    const claim = await idempotency.claim(command.commandId, 'worker-that-dies', 300);
    expect(claim.status).toBe('claimed');
    await x.postTweet({ brandToken, text: command.text, inReplyToTweetId: question });

    // The second worker gets the redelivered command once the lease has run out.
    const publisher = new Completions();
    const survivor = new OutboundWorker({ idempotency, x, brands: [brand], publisher, workerId: 'survivor', leaseMs: 300 });
    await survivor.handle({
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: 'corr-once',
      schemaVersion: 1,
      producer: 'gateway',
      payload: command,
    });

    const replies = simulator.tweetsOf('acme_support').filter((t) => t.inReplyToTweetId === question);
    expect(replies).toHaveLength(1);
    expect(publisher.results).toEqual([expect.objectContaining({ status: 'sent', tweetId: replies[0]?.id })]);
    // A third delivery only republishes the recorded result.
    await survivor.handle({ eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'corr-once', schemaVersion: 1, producer: 'gateway', payload: command });
    expect(simulator.tweetsOf('acme_support').filter((t) => t.inReplyToTweetId === question)).toHaveLength(1);
  });
});
