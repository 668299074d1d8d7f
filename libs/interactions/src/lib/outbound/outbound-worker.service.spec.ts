import { randomUUID } from 'node:crypto';

import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';
import { PermanentError, RetryableError } from '@perch/platform';

import { MemoryOutboundIdempotencyStore } from './memory-outbound-idempotency-store.adapter';
import { OutboundWorker } from './outbound-worker.service';
import { type FindReplyRequest, type PostedTweet, type PostTweetRequest, type XPosterPort } from './x-poster.port';

class FakeX implements XPosterPort {
  readonly posts: PostTweetRequest[] = [];
  failures: Error[] = [];
  /** Replies X already has (posted by a worker that died before recording them). */
  readonly onX: { inReplyToTweetId: string; text: string; tweetId: string }[] = [];
  findFailure: Error | undefined;
  private next = 1_800_000_000_000_000_000n;

  async findReply(request: FindReplyRequest): Promise<PostedTweet | undefined> {
    if (this.findFailure) throw this.findFailure;
    const hit = this.onX.find((t) => t.inReplyToTweetId === request.inReplyToTweetId && t.text === request.text);
    return hit ? { tweetId: hit.tweetId, text: hit.text } : undefined;
  }

  async postTweet(request: PostTweetRequest): Promise<PostedTweet> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.posts.push(request);
    this.next += 1n;
    return { tweetId: this.next.toString(), text: request.text };
  }
}

class RecordingPublisher extends RecordingEventPublisher {
  completions(): OutboundCompletedPayload[] {
    return this.on(Topics.OutboundCompleted).map((e) => e.payload);
  }
}

function requested(overrides: Partial<OutboundRequestedPayload> = {}): EventEnvelope<OutboundRequestedPayload> {
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-7',
    schemaVersion: 1,
    producer: 'gateway',
    payload: {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: '1001',
      agentId: 'ada',
      interactionId: randomUUID(),
      inReplyToTweetId: '1790000000000000001',
      text: '@dana_flies we are on it',
      requestedAt: 1000,
      ...overrides,
    },
  };
}

describe('OutboundWorker', () => {
  let x: FakeX;
  let publisher: RecordingPublisher;
  let idempotency: MemoryOutboundIdempotencyStore;
  let now: number;
  const clock = { now: () => now };

  function worker(overrides: { workerId?: string; leaseMs?: number } = {}): OutboundWorker {
    return new OutboundWorker({
      idempotency,
      x,
      publisher,
      brands: [{ id: '1001', username: 'PerchAir', token: 'brand-token' }],
      workerId: overrides.workerId ?? 'worker-a',
      leaseMs: overrides.leaseMs ?? 30_000,
      giveUpAfterAttempts: 3,
      clock,
      // Waiting on a busy claim advances the fake clock instead of sleeping.
      sleep: async (ms) => {
        now += ms;
      },
    });
  }

  beforeEach(() => {
    x = new FakeX();
    publisher = new RecordingPublisher();
    now = 5_000;
    idempotency = new MemoryOutboundIdempotencyStore(clock);
  });

  it("posts the reply with the brand's token, in reply to the customer's tweet, and publishes the tweet id", async () => {
    const event = requested();
    await worker().handle(event, { attempt: 1 });

    expect(x.posts).toEqual([{ brandToken: 'brand-token', text: '@dana_flies we are on it', inReplyToTweetId: '1790000000000000001' }]);
    expect(publisher.completions()).toEqual([
      {
        commandId: event.payload.commandId,
        kind: 'reply',
        status: 'sent',
        brandAccountId: '1001',
        agentId: 'ada',
        interactionId: event.payload.interactionId,
        inReplyToTweetId: '1790000000000000001',
        tweetId: '1800000000000000001',
        text: '@dana_flies we are on it',
        completedAt: 5_000,
      },
    ]);
    expect(publisher.events[0]?.envelope).toMatchObject({ correlationId: 'corr-7', causationId: event.eventId });
  });

  it('does not post twice when the command is delivered again; it republishes the recorded result', async () => {
    const event = requested();
    await worker().handle(event, { attempt: 1 });
    await worker({ workerId: 'worker-b' }).handle(event, { attempt: 1 });

    expect(x.posts).toHaveLength(1);
    const [first, second] = publisher.completions();
    expect(second).toEqual(first);
  });

  it('posts once when two workers get the same command at the same time', async () => {
    const event = requested();
    await Promise.all([worker().handle(event), worker({ workerId: 'worker-b' }).handle(event)]);
    expect(x.posts).toHaveLength(1);
    expect(publisher.completions()).toHaveLength(2);
  });

  it("takes over a crashed worker's command once its lease has run out", async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(1);
    expect(now).toBeGreaterThanOrEqual(5_000 + 30_000);
  });

  it('does not post again a reply that a worker posted before it died: it records the reply X already has', async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    x.onX.push({ inReplyToTweetId: event.payload.inReplyToTweetId ?? '', text: event.payload.text, tweetId: '1799999999999999999' });
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(0);
    expect(publisher.completions()).toEqual([expect.objectContaining({ status: 'sent', tweetId: '1799999999999999999' })]);
  });

  it('does not post a reclaimed command while it cannot tell whether X already has it', async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    x.findFailure = new RetryableError('X answered 503', 'x-unavailable');
    await expect(worker({ workerId: 'worker-b' }).handle(event)).rejects.toBeInstanceOf(RetryableError);
    expect(x.posts).toHaveLength(0);
    x.findFailure = undefined;
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(1);
  });

  it('rethrows a retryable X failure so the bus retries, and lets the retry post', async () => {
    const event = requested();
    x.failures = [new RetryableError('X answered 503', 'x-unavailable')];
    await expect(worker().handle(event, { attempt: 1 })).rejects.toBeInstanceOf(RetryableError);
    expect(publisher.completions()).toEqual([]);

    await worker().handle(event, { attempt: 2 });
    expect(x.posts).toHaveLength(1);
    expect(publisher.completions()).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('reports the reply as failed, rather than retrying, once the last attempt also fails', async () => {
    const event = requested();
    x.failures = [new RetryableError('X answered 429', 'rate-limited')];
    await worker().handle(event, { attempt: 3 });
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'failed', failure: { code: 'rate-limited', detail: 'X answered 429' } }),
    ]);
  });

  it("turns X's refusal into a failed result carrying X's own words, not a dead letter", async () => {
    const event = requested();
    const detail = 'You are not allowed to create a Tweet with duplicate content.';
    x.failures = [new PermanentError(`X refused: ${detail}`, 'x-refused', { detail, status: 403 })];
    await worker().handle(event, { attempt: 1 });

    expect(x.posts).toEqual([]);
    expect(publisher.completions()).toEqual([
      expect.objectContaining({
        status: 'failed',
        text: '@dana_flies we are on it',
        failure: { code: 'x-refused', detail, httpStatus: 403 },
      }),
    ]);
    // A redelivery reports the same refusal without asking X again.
    x.failures = [];
    await worker().handle(event, { attempt: 1 });
    expect(x.posts).toEqual([]);
    expect(publisher.completions()[1]).toEqual(publisher.completions()[0]);
  });

  it('fails a command for a brand account it has no token for', async () => {
    await worker().handle(requested({ brandAccountId: '999' }));
    expect(x.posts).toEqual([]);
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'unknown-brand-account' }) }),
    ]);
  });
});
