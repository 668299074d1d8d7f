import { randomUUID } from 'node:crypto';

import {
  type EventEnvelope,
  type OutboundCompletedPayload,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { RecordingEventPublisher } from '@perch/messaging';
import { PermanentError, RetryableError } from '@perch/platform';
import {
  type FindDmQuery,
  type FindTweetQuery,
  type FollowCommand,
  type FollowResult,
  type PostedTweet,
  type PostTweetCommand,
  type SendDmCommand,
  type SentDm,
  XErrorCode,
} from '@perch/x-client';

import { MemoryDeferredOutboundStore } from './memory-deferred-outbound-store.adapter';
import { MemoryOutboundIdempotencyStore } from './memory-outbound-idempotency-store.adapter';
import { OutboundWorker } from './outbound-worker.domain';
import { type XActionsPort } from './x-actions.port';

class FakeX implements XActionsPort {
  readonly posts: PostTweetCommand[] = [];
  readonly dms: SendDmCommand[] = [];
  readonly follows: { kind: 'follow' | 'unfollow'; request: FollowCommand }[] = [];
  failures: Error[] = [];
  /** Tweets X already has (posted by a worker that died before recording them). */
  readonly onX: { inReplyToTweetId?: string; text: string; tweetId: string }[] = [];
  /** DMs X already has. */
  readonly dmsOnX: { participantId: string; text: string; dmEventId: string }[] = [];
  findFailure: Error | undefined;
  /** How often the worker asked X whether it already acted. */
  finds = 0;
  private next = 1_800_000_000_000_000_000n;

  async findTweet(request: FindTweetQuery): Promise<PostedTweet | undefined> {
    this.finds += 1;
    if (this.findFailure) throw this.findFailure;
    const hit = this.onX.find((t) => t.inReplyToTweetId === request.inReplyToTweetId && t.text === request.text);
    return hit ? { tweetId: hit.tweetId, text: hit.text } : undefined;
  }

  async findDm(request: FindDmQuery): Promise<SentDm | undefined> {
    if (this.findFailure) throw this.findFailure;
    const hit = this.dmsOnX.find((d) => d.participantId === request.participantId && d.text === request.text);
    return hit ? { dmEventId: hit.dmEventId, dmConversationId: `1001-${hit.participantId}` } : undefined;
  }

  async postTweet(request: PostTweetCommand): Promise<PostedTweet> {
    this.failNext();
    this.posts.push(request);
    return { tweetId: this.nextId(), text: request.text };
  }

  async sendDm(request: SendDmCommand): Promise<SentDm> {
    this.failNext();
    this.dms.push(request);
    return { dmEventId: this.nextId(), dmConversationId: `1001-${request.participantId}` };
  }

  async follow(request: FollowCommand): Promise<FollowResult> {
    this.failNext();
    this.follows.push({ kind: 'follow', request });
    return { following: true, pendingFollow: false };
  }

  async unfollow(request: FollowCommand): Promise<FollowResult> {
    this.failNext();
    this.follows.push({ kind: 'unfollow', request });
    return { following: false, pendingFollow: false };
  }

  private failNext(): void {
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  private nextId(): string {
    this.next += 1n;
    return this.next.toString();
  }
}

class RecordingPublisher extends RecordingEventPublisher {
  completions(): OutboundCompletedPayload[] {
    return this.on(Topics.OutboundCompleted).map((e) => e.payload);
  }
}

/** Overrides set to undefined remove the default (a DM has no inReplyToTweetId). */
function requested(overrides: { [K in keyof OutboundRequestedPayload]?: OutboundRequestedPayload[K] | undefined } = {}): EventEnvelope<OutboundRequestedPayload> {
  const payload: Record<string, unknown> = {
    commandId: randomUUID(),
    kind: 'reply',
    brandAccountId: '1001',
    agentId: 'ada',
    interactionId: randomUUID(),
    inReplyToTweetId: '1790000000000000001',
    text: '@dana_flies we are on it',
    requestedAt: 1000,
    ...overrides,
  };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-7',
    schemaVersion: 1,
    producer: 'gateway',
    payload: payload as unknown as OutboundRequestedPayload,
  };
}

describe('OutboundWorker', () => {
  let x: FakeX;
  let publisher: RecordingPublisher;
  let idempotency: MemoryOutboundIdempotencyStore;
  let deferred: MemoryDeferredOutboundStore;
  let now: number;
  const clock = { now: () => now };

  /** When the deferred command is due again (it waits in the DeferredOutboundStore until then). */
  async function dueAtOf(commandId: string): Promise<number> {
    const entry = (await deferred.due(Number.MAX_SAFE_INTEGER, 1000)).find((d) => d.event.payload.commandId === commandId);
    if (!entry) throw new Error(`command ${commandId} is not deferred`);
    return entry.dueAt;
  }

  function worker(overrides: { workerId?: string; leaseMs?: number } = {}): OutboundWorker {
    return new OutboundWorker({
      idempotency,
      deferred,
      x,
      publisher,
      brands: [{ id: '1001', username: 'PerchAir', token: 'brand-token' }],
      workerId: overrides.workerId ?? 'worker-a',
      leaseMs: overrides.leaseMs ?? 30_000,
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
    // Pauses after a 429 end by the same fake clock.
    deferred = new MemoryDeferredOutboundStore(clock);
  });

  it("posts the reply with the brand's token, in reply to the customer's tweet, and publishes the tweet id", async () => {
    const event = requested();
    await worker().handle(event);

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
    await worker().handle(event);
    await worker({ workerId: 'worker-b' }).handle(event);

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

  it("defers a command a crashed worker still holds, then takes it over once the lease has run out", async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    await worker({ workerId: 'worker-b' }).handle(event);
    const dueAt = await dueAtOf(event.payload.commandId);
    expect(dueAt - now).toBeGreaterThan(25_000);
    expect(x.posts).toHaveLength(0);
    // Another worker's claim is not news for the agent: no "waiting" outcome.
    expect(publisher.completions()).toEqual([]);

    now = dueAt;
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(1);
  });

  it('does not post again a reply that a worker posted before it died: it records the reply X already has', async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    now += 30_000;
    x.onX.push({ inReplyToTweetId: event.payload.inReplyToTweetId ?? '', text: event.payload.text ?? '', tweetId: '1799999999999999999' });
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(0);
    expect(publisher.completions()).toEqual([expect.objectContaining({ status: 'sent', tweetId: '1799999999999999999' })]);
  });

  it('does not post a reclaimed command while it cannot tell whether X already has it: it defers', async () => {
    const event = requested();
    await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
    now += 30_000;
    x.findFailure = new RetryableError<XErrorCode>('X answered 503', XErrorCode.Unavailable);
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(await dueAtOf(event.payload.commandId)).toBeGreaterThan(now);
    expect(x.posts).toHaveLength(0);
    x.findFailure = undefined;
    await worker({ workerId: 'worker-b' }).handle(event);
    expect(x.posts).toHaveLength(1);
  });

  it('defers a command through an X outage with growing backoff, then looks on X before posting it', async () => {
    const event = requested({ requestedAt: now });
    x.failures = [new RetryableError<XErrorCode>('X answered 503', XErrorCode.Unavailable), new RetryableError<XErrorCode>('X answered 503', XErrorCode.Unavailable)];
    await worker().handle(event);
    expect((await dueAtOf(event.payload.commandId)) - now).toBe(1_000);
    now += 60_000;
    await worker().handle(event);
    expect((await dueAtOf(event.payload.commandId)) - now).toBe(30_000);
    // The agent hears, each time, that the reply waits and until when.
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'waiting', retryAt: 5_000 + 1_000, failure: expect.objectContaining({ code: 'x-unavailable' }) }),
      expect.objectContaining({ status: 'waiting', retryAt: 5_000 + 60_000 + 30_000 }),
    ]);

    now += 30_000;
    await worker().handle(event);
    // A 503 may come after X created the tweet, so the next claim asked X first.
    expect(x.finds).toBeGreaterThan(0);
    expect(x.posts).toHaveLength(1);
    expect(publisher.completions()[2]).toMatchObject({ status: 'sent' });
  });

  it('reports the command as failed once an X outage outlasts ten minutes from the request', async () => {
    const event = requested({ requestedAt: now - 10 * 60_000 });
    x.failures = [new RetryableError<XErrorCode>('X answered 503', XErrorCode.Unavailable)];
    await worker().handle(event);
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'failed', failure: { code: 'x-unavailable', detail: 'X answered 503' } }),
    ]);
  });

  it("waits for X's rate-limit window by deferring until its reset, without counting an attempt", async () => {
    const event = requested({ requestedAt: now });
    x.failures = [new RetryableError<XErrorCode>('X rate limit reached', XErrorCode.RateLimited, {}, 14 * 60_000)];
    await worker().handle(event);
    expect((await dueAtOf(event.payload.commandId)) - now).toBe(14 * 60_000);
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'waiting', retryAt: now + 14 * 60_000, failure: expect.objectContaining({ code: 'x-rate-limited' }) }),
    ]);

    now += 14 * 60_000;
    await worker().handle(event);
    // X did nothing on a rate limit, so there was nothing to look for before posting.
    expect(x.finds).toBe(0);
    expect(x.posts).toHaveLength(1);
  });

  it('reports a rate-limited command as failed when the window would reset more than an hour after the request', async () => {
    const event = requested({ requestedAt: now - 50 * 60_000 });
    x.failures = [new RetryableError<XErrorCode>('X rate limit reached (send DM)', XErrorCode.RateLimited, {}, 20 * 60_000)];
    await worker().handle(event);
    expect(publisher.completions()).toEqual([
      expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'x-rate-limited' }) }),
    ]);
  });

  it("turns X's refusal into a failed result carrying X's own words, not a dead letter", async () => {
    const event = requested();
    const detail = 'You are not allowed to create a Tweet with duplicate content.';
    x.failures = [new PermanentError<XErrorCode>(`X refused: ${detail}`, XErrorCode.Refused, { detail, status: 403 })];
    await worker().handle(event);

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
    await worker().handle(event);
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

  describe('other actions on X', () => {
    const customer = '2002';
    const dm = (overrides: Partial<OutboundRequestedPayload> = {}) =>
      requested({ kind: 'dm', inReplyToTweetId: undefined, participantId: customer, text: 'Could you DM us your order number?', ...overrides });

    it('sends a DM to the customer and publishes the DM event id', async () => {
      await worker().handle(dm());
      expect(x.dms).toEqual([{ brandToken: 'brand-token', participantId: customer, text: 'Could you DM us your order number?' }]);
      expect(publisher.completions()).toEqual([
        expect.objectContaining({ kind: 'dm', status: 'sent', participantId: customer, dmEventId: expect.any(String), dmConversationId: `1001-${customer}` }),
      ]);
    });

    it('does not send a DM again that a crashed worker already sent: it records the DM X already has', async () => {
      const event = dm();
      await idempotency.claim(event.payload.commandId, 'crashed-worker', 30_000);
      now += 30_000;
      x.dmsOnX.push({ participantId: customer, text: event.payload.text ?? '', dmEventId: '1799999999999999998' });
      await worker({ workerId: 'worker-b' }).handle(event);
      expect(x.dms).toEqual([]);
      expect(publisher.completions()).toEqual([expect.objectContaining({ status: 'sent', dmEventId: '1799999999999999998' })]);
    });

    it("reports X's DM refusal to the agent with X's words", async () => {
      const detail = 'You cannot send messages to this user.';
      x.failures = [new PermanentError<XErrorCode>(`X refused send DM: ${detail}`, XErrorCode.DmNotAllowed, { detail, status: 403 })];
      await worker().handle(dm());
      expect(publisher.completions()).toEqual([
        expect.objectContaining({ kind: 'dm', status: 'failed', failure: { code: 'x-dm-not-allowed', detail, httpStatus: 403 } }),
      ]);
    });

    it('follows and unfollows the customer as the brand and reports whether the brand now follows them', async () => {
      await worker().handle(requested({ kind: 'follow', inReplyToTweetId: undefined, text: undefined, participantId: customer }));
      await worker().handle(requested({ kind: 'unfollow', inReplyToTweetId: undefined, text: undefined, participantId: customer }));
      expect(x.follows).toEqual([
        { kind: 'follow', request: { brandToken: 'brand-token', brandId: '1001', targetUserId: customer } },
        { kind: 'unfollow', request: { brandToken: 'brand-token', brandId: '1001', targetUserId: customer } },
      ]);
      expect(publisher.completions()).toEqual([
        expect.objectContaining({ kind: 'follow', status: 'sent', following: true }),
        expect.objectContaining({ kind: 'unfollow', status: 'sent', following: false }),
      ]);
    });

    it('posts a new tweet that replies to nothing, and finds it on X instead of posting it twice after a crash', async () => {
      const post = requested({ kind: 'post', inReplyToTweetId: undefined, interactionId: undefined, text: 'Our app is back up.' });
      await worker().handle(post);
      expect(x.posts).toEqual([{ brandToken: 'brand-token', text: 'Our app is back up.' }]);

      const again = requested({ kind: 'post', inReplyToTweetId: undefined, text: 'Maintenance tonight.' });
      await idempotency.claim(again.payload.commandId, 'crashed-worker', 30_000);
      now += 30_000;
      x.onX.push({ text: 'Maintenance tonight.', tweetId: '1799999999999999997' });
      await worker({ workerId: 'worker-b' }).handle(again);
      expect(x.posts).toHaveLength(1);
      expect(publisher.completions()[1]).toMatchObject({ kind: 'post', status: 'sent', tweetId: '1799999999999999997' });
    });

    it('fails, without calling X, a DM command that lacks its recipient', async () => {
      await worker().handle(dm({ participantId: undefined }));
      expect(x.dms).toEqual([]);
      expect(publisher.completions()).toEqual([
        expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'validation-failed' }) }),
      ]);
    });
  });
});
