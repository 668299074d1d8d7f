import { randomUUID } from 'node:crypto';

import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundRequestedPayload,
  topicDefinition,
  Topics,
} from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';
import { RetryableError } from '@perch/platform';
import { type MemoryBus, startMemoryBus, waitFor } from '@perch/testing';
import { type BrandAccount, XErrorCode } from '@perch/x-client';

import { MemoryDeferredOutboundStore } from './memory-deferred-outbound-store.adapter';
import { MemoryOutboundIdempotencyStore } from './memory-outbound-idempotency-store.adapter';
import { OutboundModule } from './outbound.module';
import { OutboundWorker } from './outbound-worker.domain';
import { HeldX } from './testing/held-x.fixtures';

const BRAND: BrandAccount = { id: '1001', username: 'PerchAir', token: 'perchair-token' };
const OTHER_BRAND: BrandAccount = { id: '1002', username: 'PerchRail', token: 'perchrail-token' };

function reply(text: string, overrides: Partial<OutboundRequestedPayload> = {}): OutboundRequestedPayload {
  return {
    commandId: randomUUID(),
    kind: 'reply',
    brandAccountId: BRAND.id,
    agentId: 'ada',
    interactionId: randomUUID(),
    conversationKey: `${BRAND.id}:${randomUUID()}`,
    inReplyToTweetId: '1790000000000000001',
    text,
    requestedAt: 1_000,
    ...overrides,
  };
}

function dm(text: string): OutboundRequestedPayload {
  const { inReplyToTweetId: _none, ...rest } = reply(text);
  return { ...rest, kind: 'dm', participantId: '2002' };
}

function envelope(payload: OutboundRequestedPayload): EventEnvelope<OutboundRequestedPayload> {
  return { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'corr', schemaVersion: 1, producer: 'gateway', payload };
}

const rateLimited = (): RetryableError<XErrorCode> => new RetryableError<XErrorCode>('X answered 429', XErrorCode.RateLimited, {}, 60_000);

describe('x.outbound.requested.v1 key', () => {
  const key = topicDefinition(Topics.OutboundRequested).keyOf;

  it("is the conversation, so one brand's commands spread while one conversation's stay together", () => {
    const a = reply('a', { conversationKey: '1001:555' });
    expect(key(a)).toBe('1001:555');
    expect(key(reply('b', { conversationKey: '1001:555' }))).toBe(key(a));
    expect(key(reply('c'))).not.toBe(key(a));
  });

  it("falls back to the interaction, and a post outside any conversation to the brand", () => {
    const { conversationKey: _ignored, ...withoutConversation } = reply('a');
    expect(key(withoutConversation)).toBe(withoutConversation.interactionId);
    expect(key({ commandId: randomUUID(), kind: 'post', brandAccountId: BRAND.id, agentId: 'ada', text: 'Back up.', requestedAt: 1 })).toBe(BRAND.id);
  });
});

describe('one brand in parallel, through the bus', () => {
  let memory: MemoryBus;
  let x: HeldX;
  let app: INestApplicationContext | undefined;
  const completed: OutboundCompletedPayload[] = [];

  beforeEach(async () => {
    memory = await startMemoryBus('gateway');
    x = new HeldX();
    completed.length = 0;
    await memory.bus.subscribe(Topics.OutboundCompleted, 'parallel-spec', async (event) => {
      completed.push(event.payload);
    });
  });

  afterEach(async () => {
    x.autoAnswer = true;
    x.answerAll();
    await app?.close();
    app = undefined;
    await memory.stop();
  });

  async function boot(brandConcurrency: number): Promise<void> {
    app = await NestFactory.createApplicationContext(
      OutboundModule.register({
        bus: memory.bus,
        idempotencyStore: new MemoryOutboundIdempotencyStore(),
        deferredOutboundStore: new MemoryDeferredOutboundStore(),
        xApi: x,
        brands: [BRAND, OTHER_BRAND],
        options: { replicaId: 'unit', outboundBrandConcurrency: brandConcurrency },
      }),
      { logger: false },
    );
  }

  it("has up to OUTBOUND_BRAND_CONCURRENCY of one brand's replies at X at once, not one", async () => {
    const replies = Array.from({ length: 20 }, (_, i) => reply(`@dana reply ${i}`));
    for (const command of replies) await memory.bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    await boot(8);

    await waitFor('8 calls open at X', () => x.openCalls.length === 8, 10_000);
    // A moment longer: a ninth would have started by now if the cap let it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(x.openCalls).toHaveLength(8);

    x.autoAnswer = true;
    x.answerAll();
    await waitFor('every reply answered', () => completed.length === 20, 10_000);
    expect(x.maxOpen).toBe(8);
    expect(x.posted).toHaveLength(20);
    expect(new Set(completed.map((c) => c.commandId))).toEqual(new Set(replies.map((r) => r.commandId)));
  });

  it("has all of one brand's replies at X at once on a bus that runs one key at a time (BUS_KEY_CONCURRENCY=1)", async () => {
    await memory.stop();
    memory = await startMemoryBus('gateway', { keyConcurrency: 1 });
    await memory.bus.subscribe(Topics.OutboundCompleted, 'parallel-spec', async (event) => {
      completed.push(event.payload);
    });
    // 20 conversations on the topic's 6 partitions: some partition holds several, so one key at a time would keep at
    // most 6 at X. The outbound consumer runs its own key concurrency, and the brand's limit (32) is the only cap.
    const replies = Array.from({ length: 20 }, (_, i) => reply(`@dana reply ${i}`));
    for (const command of replies) await memory.bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    await boot(32);

    await waitFor('20 calls open at X', () => x.openCalls.length === 20, 10_000);
    x.autoAnswer = true;
    x.answerAll();
    await waitFor('every reply answered', () => completed.length === 20, 10_000);
    expect(x.posted).toHaveLength(20);
  });

  it("keeps one conversation's replies in order while other conversations run beside it", async () => {
    const a = `${BRAND.id}:111`;
    const b = `${BRAND.id}:222`;
    const commands = [
      reply('@dana a1', { conversationKey: a }),
      reply('@eve b1', { conversationKey: b }),
      reply('@dana a2', { conversationKey: a }),
      reply('@eve b2', { conversationKey: b }),
      reply('@dana a3', { conversationKey: a }),
    ];
    for (const command of commands) await memory.bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    await boot(8);

    await waitFor('the first of each conversation at X', () => x.openCalls.length === 2, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(x.openCalls.map((c) => c.text).sort()).toEqual(['@dana a1', '@eve b1']);

    for (let round = 0; round < 3; round += 1) {
      x.answerAll();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitFor('every reply answered', () => completed.length === 5, 10_000);
    expect(x.started.map((c) => c.text).filter((t) => t.startsWith('@dana'))).toEqual(['@dana a1', '@dana a2', '@dana a3']);
    expect(x.started.map((c) => c.text).filter((t) => t.startsWith('@eve'))).toEqual(['@eve b1', '@eve b2']);
  });
});

describe('one brand in parallel, within X limits', () => {
  let x: HeldX;
  let publisher: RecordingEventPublisher;
  let idempotency: MemoryOutboundIdempotencyStore;
  let deferred: MemoryDeferredOutboundStore;
  let now: number;
  const clock = { now: () => now };

  function worker(workerId: string, brandConcurrency = 3): OutboundWorker {
    return new OutboundWorker({
      idempotency,
      deferred,
      x,
      publisher,
      brands: [BRAND, OTHER_BRAND],
      workerId,
      brandConcurrency,
      clock,
      sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
    });
  }

  async function deferredIds(): Promise<string[]> {
    return (await deferred.due(Number.MAX_SAFE_INTEGER, 1000)).map((d) => d.event.payload.commandId);
  }

  const waits = () => publisher.on(Topics.OutboundCompleted).map((e) => e.payload).filter((p) => p.status === 'waiting');

  beforeEach(() => {
    x = new HeldX();
    publisher = new RecordingEventPublisher();
    now = 10_000;
    idempotency = new MemoryOutboundIdempotencyStore(clock);
    deferred = new MemoryDeferredOutboundStore(clock);
  });

  it("after X's 429, defers the brand's other replies until the reset instead of sending them, here and in other replicas", async () => {
    const here = worker('replica-a');
    const replies = Array.from({ length: 6 }, (_, i) => envelope(reply(`@dana reply ${i}`, { requestedAt: now })));
    const handled = Promise.all(replies.map((event) => here.handle(event)));
    await waitFor('three replies at X', () => x.openCalls.length === 3, 5_000);

    // X's window is spent: it refuses the three it has; the three waiting for a slot never reach X.
    x.refuseAll(rateLimited);
    await handled;
    expect(x.started).toHaveLength(3);
    expect(x.posted).toEqual([]);
    expect((await deferredIds()).sort()).toEqual(replies.map((r) => r.payload.commandId).sort());
    expect(waits()).toHaveLength(6);
    expect(waits().every((w) => w.retryAt !== undefined && w.retryAt >= now + 59_000 && w.failure?.code === XErrorCode.RateLimited)).toBe(true);

    // Another replica learns it from the shared store, before asking X.
    const later = envelope(reply('@dana one more', { requestedAt: now }));
    await worker('replica-b').handle(later);
    expect(x.started).toHaveLength(3);
    expect(await deferredIds()).toContain(later.payload.commandId);

    // Once the window has reset, the deferred replies go out, each once.
    now += 60_000;
    x.autoAnswer = true;
    const afterReset = worker('replica-b');
    await Promise.all([...replies, later].map((event) => afterReset.handle(event)));
    expect(x.posted.map((p) => p.text).sort()).toEqual([...replies, later].map((r) => r.payload.text).sort());
  });

  it("keeps the brand's other windows and other brands going while its replies are paused", async () => {
    await deferred.pause(`${BRAND.id}:tweets.create`, 60_000);
    x.autoAnswer = true;
    const here = worker('replica-a');
    await here.handle(envelope(reply('@dana paused', { requestedAt: now })));
    await here.handle(envelope(reply('@zed other brand', { brandAccountId: OTHER_BRAND.id, requestedAt: now })));
    await here.handle(envelope({ ...dm('Your DM'), requestedAt: now }));
    expect(x.posted.map((p) => [p.brandToken, p.text])).toEqual([[OTHER_BRAND.token, '@zed other brand']]);
    expect(x.sentDms.map((d) => d.text)).toEqual(['Your DM']);
  });

  it('posts each reply once when every command is delivered to two replicas at once and again later', async () => {
    x.autoAnswer = true;
    const a = worker('replica-a', 4);
    const b = worker('replica-b', 4);
    const replies = Array.from({ length: 30 }, (_, i) => envelope(reply(`@dana reply ${i}`)));
    await Promise.all(replies.flatMap((event) => [a.handle(event), b.handle(event)]));
    await Promise.all(replies.map((event) => b.handle(event)));

    expect(x.posted).toHaveLength(30);
    expect(new Set(x.posted.map((p) => p.text)).size).toBe(30);
    // Every delivery answered with the one recorded result of its command.
    const sent = publisher.on(Topics.OutboundCompleted).map((e) => e.payload);
    expect(sent).toHaveLength(90);
    for (const event of replies) {
      const results = sent.filter((p) => p.commandId === event.payload.commandId);
      expect(new Set(results.map((r) => r.tweetId)).size).toBe(1);
    }
    expect(await deferredIds()).toEqual([]);
  });
});
