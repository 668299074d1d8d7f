import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type EventEnvelope, type OutboundCompletedPayload, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { newId } from '@perch/platform';
import { type MemoryBus, startMemoryBus, waitFor } from '@perch/testing';
import { type BrandAccount, type PostTweetCommand, type PostedTweet, type XUserProfile } from '@perch/x-client';

import { CustomerProfileService } from './customers/customer-profile.service';
import { MemoryDeferredOutboundStore } from './memory-deferred-outbound-store.adapter';
import { MemoryOutboundIdempotencyStore } from './memory-outbound-idempotency-store.adapter';
import { type OutboundModuleDeps } from './outbound-deps.types';
import { OutboundModule } from './outbound.module';

const BRAND: BrandAccount = { id: '1001', username: 'PerchAir', token: 'perchair-user-token' };

/** X as far as these tests act on it: replies are posted, profiles looked up; the rest is not asked for. */
class FakeX {
  readonly posts: PostTweetCommand[] = [];
  lookups = 0;

  async postTweet(command: PostTweetCommand): Promise<PostedTweet> {
    this.posts.push(command);
    return { tweetId: `18000000000000000${this.posts.length}`, text: command.text };
  }

  async findTweet(): Promise<undefined> {
    return undefined;
  }

  async findDm(): Promise<undefined> {
    return undefined;
  }

  async sendDm(): Promise<never> {
    throw new Error('not in this test');
  }

  async follow(): Promise<never> {
    throw new Error('not in this test');
  }

  async unfollow(): Promise<never> {
    throw new Error('not in this test');
  }

  async lookupUser(): Promise<XUserProfile> {
    this.lookups += 1;
    return { id: '42', username: 'dana_flies', name: 'Dana', connectionStatus: [], followsYou: true, followedByYou: false };
  }
}

function replyCommand(): OutboundRequestedPayload {
  return {
    commandId: newId(),
    kind: 'reply',
    brandAccountId: BRAND.id,
    agentId: 'ada',
    interactionId: newId(),
    text: '@dana_flies we rebooked you',
    inReplyToTweetId: '1790000000000000001',
    requestedAt: Date.now(),
  };
}

describe(OutboundModule.name, () => {
  let memory: MemoryBus;
  let bus: EventBus;
  let x: FakeX;
  let app: INestApplicationContext | undefined;
  const completed: EventEnvelope<OutboundCompletedPayload>[] = [];

  async function boot(options: Partial<OutboundModuleDeps['options']> = {}): Promise<INestApplicationContext> {
    app = await NestFactory.createApplicationContext(
      OutboundModule.register({
        bus,
        idempotencyStore: new MemoryOutboundIdempotencyStore(),
        deferredOutboundStore: new MemoryDeferredOutboundStore(),
        xApi: x,
        brands: [BRAND],
        options: { replicaId: 'unit', ...options },
      }),
      { logger: false },
    );
    return app;
  }

  beforeEach(async () => {
    memory = await startMemoryBus('gateway');
    bus = memory.bus;
    x = new FakeX();
    completed.length = 0;
    await bus.subscribe(Topics.OutboundCompleted, 'outbound-module-spec', async (event) => {
      completed.push(event);
    });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await memory.stop();
  });

  it("carries out a requested reply on X with the brand's token, once, and publishes what X answered", async () => {
    await boot();
    const command = replyCommand();
    await bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    await bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    // The redelivered command is answered from the idempotency store: its recorded result is published again.
    const answers = await waitFor('both deliveries answered', () => (completed.length === 2 ? completed : undefined), 10_000);
    for (const answer of answers) {
      expect(answer.payload).toMatchObject({ commandId: command.commandId, kind: 'reply', status: 'sent', tweetId: '180000000000000001' });
    }
    expect(x.posts).toEqual([
      expect.objectContaining({ brandToken: BRAND.token, text: command.text, inReplyToTweetId: command.inReplyToTweetId }),
    ]);
  });

  it('leaves x.outbound.requested.v1 to other processes when its worker is turned off', async () => {
    await boot({ run: { outboundWorker: false } });
    const command = replyCommand();
    await bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    // The same topic read by a group of this test: once it has the command, a running worker would have had it too.
    const seen: string[] = [];
    await bus.subscribe(Topics.OutboundRequested, 'outbound-module-spec-tap', async (event) => {
      seen.push(event.payload.commandId);
    }, { fromBeginning: true });
    await waitFor('the command on the topic', () => seen.includes(command.commandId), 10_000);
    expect(x.posts).toEqual([]);
    expect(completed).toEqual([]);
  });

  it("gives the importing module the customer profiles, read with the brand's token", async () => {
    const profiles = (await boot()).get(CustomerProfileService);
    expect(await profiles.get(BRAND.id, '42')).toMatchObject({ username: 'dana_flies', followsBrand: true });
    expect(x.lookups).toBe(1);
  });
});
