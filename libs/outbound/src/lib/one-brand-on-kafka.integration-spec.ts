import { randomUUID } from 'node:crypto';

import { type OutboundCompletedPayload, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type EventBus, KafkaTransport, NamespacedTransport, startEventBus } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { waitFor } from '@perch/testing';
import Redis from 'ioredis';

import { OutboundWorker } from './outbound-worker.domain';
import { RedisDeferredOutboundStore } from './redis-deferred-outbound-store.adapter';
import { RedisOutboundIdempotencyStore } from './redis-outbound-idempotency-store.adapter';
import { HeldX } from './testing/held-x.fixtures';

const BRAND = { id: '1001', username: 'PerchAir', token: 'perchair-token' };

// x.outbound.requested.v1 on real Kafka, claims in real Redis: one brand's replies of several conversations land on
// several partitions and are at X at once, while each conversation's second reply waits for its first.
describe('one brand in parallel on Kafka', () => {
  const logger = createLogger('outbound-kafka-it');
  const kafka = new KafkaTransport({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: `outbound-it-${randomUUID().slice(0, 6)}`, logger });
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const keyPrefix = `perch:test-${randomUUID()}:outbound:`;
  const x = new HeldX();
  let bus: EventBus;

  beforeAll(async () => {
    bus = await startEventBus(new NamespacedTransport(kafka, `it-outbound-${randomUUID().slice(0, 8)}.`), { producer: 'gateway', logger, retryDelayMs: () => 50 });
  }, 60_000);

  afterAll(async () => {
    x.autoAnswer = true;
    x.answerAll();
    await bus.stop();
    await kafka.disconnect();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("has several of one brand's conversations at X at once, each conversation's replies in order", async () => {
    const conversations = Array.from({ length: 6 }, (_, i) => `${BRAND.id}:17900000000000000${i}`);
    const commands: OutboundRequestedPayload[] = [1, 2].flatMap((turn) =>
      conversations.map((conversationKey, i) => ({
        commandId: randomUUID(),
        kind: 'reply' as const,
        brandAccountId: BRAND.id,
        agentId: 'ada',
        interactionId: randomUUID(),
        conversationKey,
        inReplyToTweetId: `17900000000000000${i}`,
        text: `@dana conversation ${i} turn ${turn}`,
        requestedAt: Date.now(),
      })),
    );
    for (const command of commands) await bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });

    const worker = new OutboundWorker({
      idempotency: new RedisOutboundIdempotencyStore({ redis, keyPrefix }),
      deferred: new RedisDeferredOutboundStore({ redis, keyPrefix }),
      x,
      brands: [BRAND],
      publisher: bus,
      workerId: 'kafka-it',
      brandConcurrency: 8,
    });
    const partitions = new Set<number>();
    const completed: OutboundCompletedPayload[] = [];
    await bus.subscribe(Topics.OutboundCompleted, 'outbound-kafka-it-results', async (event) => void completed.push(event.payload), { fromBeginning: true });
    await bus.subscribe(
      Topics.OutboundRequested,
      'outbound-kafka-it-worker',
      async (event, meta) => {
        partitions.add(meta.partition);
        await worker.handle(event);
      },
      { fromBeginning: true },
    );

    await waitFor('replies of several conversations at X at once', () => x.openCalls.length >= 2, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const open = x.openCalls.map((c) => c.text);
    expect(open.every((text) => text.endsWith('turn 1'))).toBe(true);

    await waitFor(
      'every reply posted',
      () => {
        x.answerAll();
        return x.posted.length === commands.length;
      },
      60_000,
      20,
    );
    await waitFor('every result published', () => completed.length >= commands.length, 30_000);
    expect(partitions.size).toBeGreaterThan(1);
    expect(x.maxOpen).toBeGreaterThan(1);
    expect(x.maxOpen).toBeLessThanOrEqual(8);
    for (let i = 0; i < conversations.length; i += 1) {
      const turns = x.started.map((c) => c.text).filter((text) => text.startsWith(`@dana conversation ${i} `));
      expect(turns).toEqual([`@dana conversation ${i} turn 1`, `@dana conversation ${i} turn 2`]);
    }
    expect(new Set(x.posted.map((p) => p.text)).size).toBe(commands.length);
  }, 120_000);
});
