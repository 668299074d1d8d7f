import { type AgentCommandPayload, type AgentPresence, type EventEnvelope } from '@perch/contracts';
import { createLogger, DropError, newId, ValidationFailedError } from '@perch/platform';

import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const T0 = 1_700_000_000_000;
const OFFER_TIMEOUT_MS = 30_000;

describe('RouterService', () => {
  let time: number;
  let store: MemoryRoutingStore;
  let publisher: RecordingRouterPublisher;
  let router: RouterService;

  beforeEach(() => {
    time = T0;
    store = new MemoryRoutingStore('acme');
    publisher = new RecordingRouterPublisher();
    router = new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
      tenant: 'acme',
      offerTimeoutMs: OFFER_TIMEOUT_MS,
      sweepIntervalMs: 1_000,
    });
  });

  afterEach(async () => {
    await router.stop();
  });

  const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> =>
    envelope({ commandId: newId(), ...payload });

  const presence = async (agentId: string, state: AgentPresence, capacity?: number): Promise<void> => {
    await router.handleAgentCommand(
      command({ type: 'presence', agentId, presence: state, ...(capacity === undefined ? {} : { capacity }) }),
    );
    time += 1;
  };

  const lastOffer = (agentId?: string) => {
    const offers = publisher
      .lifecycle()
      .filter((e) => e.payload.type === 'offered' && (agentId === undefined || e.payload.agentId === agentId));
    const offer = offers[offers.length - 1];
    if (!offer?.payload.offerId) throw new Error(`no offer${agentId ? ` for ${agentId}` : ''}`);
    return { interactionId: offer.payload.interactionId, offerId: offer.payload.offerId, envelope: offer };
  };

  it('offers a new interaction to the longest-idle ready agent, with its message and classification', async () => {
    await presence('alice', 'ready');
    await presence('bob', 'ready');
    const event = classifiedEvent(inboundMessage());
    await router.handleClassified(event);

    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice']);
    const offered = lastOffer('alice').envelope;
    expect(offered.payload).toMatchObject({
      conversationKey: event.payload.message.conversationKey,
      brandAccountId: event.payload.message.brandAccountId,
      priority: 3,
      message: event.payload.message,
      classification: event.payload.classification,
      offerExpiresAt: new Date(time + OFFER_TIMEOUT_MS).toISOString(),
    });
    for (const published of publisher.lifecycle()) {
      expect(published.correlationId).toBe(event.correlationId);
      expect(published.causationId).toBe(event.eventId);
    }
  });

  it('queues when nobody is free and offers as soon as an agent becomes ready', async () => {
    await router.handleClassified(classifiedEvent(inboundMessage()));
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued']);

    const ready = command({ type: 'presence', agentId: 'alice', presence: 'ready' });
    await router.handleAgentCommand(ready);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued', 'offered alice']);
    expect(lastOffer().envelope.causationId).toBe(ready.eventId);
  });

  it('serves higher priority first, then the oldest', async () => {
    const praise = classifiedEvent(inboundMessage({ text: 'love it' }), {
      actionability: 'not-actionable',
      sentiment: 'positive',
    });
    const unclear = classifiedEvent(inboundMessage(), { actionability: 'undeclared', sentiment: 'neutral' });
    const angryOld = classifiedEvent(inboundMessage());
    const question = classifiedEvent(inboundMessage(), { actionability: 'actionable', sentiment: 'neutral' });
    const angryNew = classifiedEvent(inboundMessage());
    for (const event of [praise, unclear, angryOld, question, angryNew]) {
      await router.handleClassified(event);
      time += 10;
    }
    await presence('alice', 'ready', 5);

    const offeredConversations = publisher
      .lifecycle()
      .filter((e) => e.payload.type === 'offered')
      .map((e) => [e.payload.conversationKey, e.payload.priority]);
    expect(offeredConversations).toEqual([
      [angryOld.payload.message.conversationKey, 3],
      [angryNew.payload.message.conversationKey, 3],
      [question.payload.message.conversationKey, 2],
      [unclear.payload.message.conversationKey, 1],
      [praise.payload.message.conversationKey, 0],
    ]);
  });

  it('moves a declined offer to the next agent', async () => {
    await presence('alice', 'ready');
    await presence('bob', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const { interactionId, offerId } = lastOffer('alice');

    const decline = command({ type: 'decline', agentId: 'alice', interactionId, offerId, note: 'not my area' });
    await router.handleAgentCommand(decline);

    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'declined alice', 'offered bob']);
    expect(publisher.lifecycle()[2]?.payload).toMatchObject({ offerId, reason: 'not my area' });
    expect(lastOffer('bob').interactionId).toBe(interactionId);
    expect(lastOffer('bob').envelope.causationId).toBe(decline.eventId);
  });

  it('moves a timed-out offer on and sets the silent agent not-ready', async () => {
    await presence('alice', 'ready');
    await presence('bob', 'ready');
    const event = classifiedEvent(inboundMessage());
    await router.handleClassified(event);
    const { interactionId, offerId } = lastOffer('alice');

    time += OFFER_TIMEOUT_MS - 1;
    expect(await router.sweepOnce()).toEqual([]);
    time += 1;
    const expired = await router.sweepOnce();

    expect(expired.map((e) => e.offerId)).toEqual([offerId]);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'offer-timed-out alice', 'offered bob']);
    const timedOut = publisher.lifecycle()[2];
    expect(timedOut?.payload).toMatchObject({ interactionId, offerId });
    expect(timedOut?.correlationId).toBe(event.correlationId);
    expect(await store.getAgent('alice')).toMatchObject({ state: 'not-ready', load: 0 });
  });

  it('sweeps on its own once started, and stops when asked', async () => {
    jest.useFakeTimers({ now: T0 });
    try {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      router.start();
      time += OFFER_TIMEOUT_MS;
      await jest.advanceTimersByTimeAsync(1_000);
      expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'offer-timed-out alice']);

      await router.stop();
      await presence('bob', 'ready');
      const { offerId } = lastOffer('bob');
      time += OFFER_TIMEOUT_MS;
      await jest.advanceTimersByTimeAsync(5_000);
      expect(publisher.lifecycle().some((e) => e.payload.type === 'offer-timed-out' && e.payload.offerId === offerId)).toBe(
        false,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('assigns on accept, refuses a stale accept with a DropError and no event, and announces a redelivered accept once', async () => {
    await presence('alice', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const { interactionId, offerId } = lastOffer('alice');

    const stale = router.handleAgentCommand(
      command({ type: 'accept', agentId: 'alice', interactionId, offerId: newId() }),
    );
    await expect(stale).rejects.toBeInstanceOf(DropError);
    await expect(stale).rejects.toMatchObject({ code: 'stale-accept', details: { reason: 'offer-mismatch' } });
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice']);

    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'accepted alice']);
    // The same accept again changes nothing: its first delivery's change is in the outbox, announced once.
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'accepted alice']);
  });

  it('announces a redelivered complete once, and refuses one from another agent', async () => {
    await presence('alice', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const { interactionId, offerId } = lastOffer('alice');
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId }));
    expect(publisher.lifecycleSummary().filter((e) => e.startsWith('completed'))).toHaveLength(1);
    await expect(router.handleAgentCommand(command({ type: 'complete', agentId: 'bob', interactionId }))).rejects.toMatchObject({
      code: 'stale-complete',
      details: { reason: 'already-completed' },
    });
    // Capacity was released once: the redelivery changed nothing in the store.
    expect((await store.getAgent('alice'))?.load).toBe(0);
  });

  it('refuses an accept after the offer expired', async () => {
    await presence('alice', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const { interactionId, offerId } = lastOffer('alice');
    time += OFFER_TIMEOUT_MS;
    await expect(
      router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId })),
    ).rejects.toMatchObject({ details: { reason: 'offer-expired' } });
  });

  it('adds a second message of the conversation to the open interaction and notifies its agent', async () => {
    await presence('alice', 'ready');
    const first = inboundMessage();
    await router.handleClassified(classifiedEvent(first));
    const { interactionId, offerId } = lastOffer('alice');
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));

    const followUp = classifiedEvent(inboundMessage({ conversationKey: first.conversationKey, text: 'any news?' }));
    await router.handleClassified(followUp);

    const added = publisher.lifecycle().at(-1);
    expect(added?.payload).toMatchObject({
      type: 'message-added',
      interactionId,
      agentId: 'alice',
      message: followUp.payload.message,
    });
    // The interaction's correlation id, not the follow-up's: one thread of work from first tweet to reply.
    expect(added?.correlationId).toBe(publisher.lifecycle()[0]?.correlationId);
    expect(added?.causationId).toBe(followUp.eventId);
    expect((await store.getInteraction(interactionId))?.messageCount).toBe(2);
  });

  it('gives an agent with capacity 2 two offers at once', async () => {
    await presence('alice', 'ready', 2);
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    expect(publisher.lifecycleSummary()).toEqual([
      'created',
      'offered alice',
      'created',
      'offered alice',
      'created',
      'queued',
    ]);
  });

  it('creates nothing new for a redelivered classified event', async () => {
    await presence('alice', 'ready');
    const event = classifiedEvent(inboundMessage());
    await router.handleClassified(event);
    const before = publisher.lifecycle().length;
    await router.handleClassified(event);
    expect(publisher.lifecycle()).toHaveLength(before);
    expect(await store.queueDepth()).toBe(0);
    expect((await store.getInteraction(lastOffer().interactionId))?.messageCount).toBe(1);
  });

  it('completes, frees the agent and offers it the next waiting interaction', async () => {
    await presence('alice', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const first = lastOffer('alice');
    await router.handleAgentCommand(
      command({ type: 'accept', agentId: 'alice', interactionId: first.interactionId, offerId: first.offerId }),
    );
    await router.handleAgentCommand(
      command({ type: 'complete', agentId: 'alice', interactionId: first.interactionId, disposition: 'resolved', note: 'refund issued' }),
    );
    expect(publisher.lifecycleSummary()).toEqual([
      'created',
      'offered alice',
      'created',
      'queued',
      'accepted alice',
      'completed alice',
      'offered alice',
    ]);
    expect(publisher.lifecycle()[5]?.payload).toMatchObject({ reason: 'resolved', disposition: 'resolved', note: 'refund issued' });
    expect(lastOffer('alice').interactionId).not.toBe(first.interactionId);
  });

  it('refuses to complete an interaction the agent does not hold', async () => {
    await presence('alice', 'ready');
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const { interactionId } = lastOffer('alice');
    await expect(
      router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId })),
    ).rejects.toMatchObject({ code: 'stale-complete', details: { reason: 'not-assigned' } });
  });

  describe('transfer to the queue', () => {
    it('requeues the holder\'s interaction at its age with the reason, frees the holder and offers it to someone else', async () => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      const createdAt = (await store.getInteraction(interactionId))?.createdAt;
      await presence('bob', 'ready');
      time += 1;
      await router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, transferReason: 'needs billing' }));

      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['transferred alice', 'offered bob']);
      expect(publisher.lifecycle().find((e) => e.payload.type === 'transferred')?.payload).toMatchObject({ reason: 'needs billing' });
      expect((await store.getInteraction(interactionId))?.createdAt).toBe(createdAt);
      expect((await store.getAgent('alice'))?.load).toBe(0);
    });

    it('offers a transfer to a named agent while the holder keeps it; the accept moves it, a decline or timeout leaves it', async () => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      await presence('bob', 'not-ready');
      const transferTo = async (): Promise<string> => {
        await router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, toAgentId: 'bob', transferReason: 'billing' }));
        const offered = publisher.lifecycle().filter((e) => e.payload.type === 'transfer-offered').pop();
        expect(offered?.payload).toMatchObject({ agentId: 'bob', fromAgentId: 'alice', reason: 'billing', message: expect.anything() });
        return offered?.payload.offerId ?? '';
      };

      const declinedOffer = await transferTo();
      await router.handleAgentCommand(command({ type: 'decline', agentId: 'bob', interactionId, offerId: declinedOffer }));
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['transfer-offered bob', 'transfer-declined bob']);
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'alice' });

      await transferTo();
      time += OFFER_TIMEOUT_MS;
      await router.sweepOnce();
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['transfer-offered bob', 'transfer-timed-out bob']);
      expect((await store.getAgent('bob'))?.state).toBe('not-ready');

      const taken = await transferTo();
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId: taken }));
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({ type: 'accepted', agentId: 'bob', fromAgentId: 'alice' });
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'bob' });
    });

    it('drops a transfer to oneself or to an unknown agent with the reason, publishing nothing', async () => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      const before = publisher.lifecycle().length;
      await expect(
        router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, toAgentId: 'alice', transferReason: 'x' })),
      ).rejects.toMatchObject({ code: 'transfer-refused', details: { reason: 'transfer-to-self' } });
      await expect(
        router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, toAgentId: 'ghost', transferReason: 'x' })),
      ).rejects.toMatchObject({ code: 'transfer-refused', details: { reason: 'unknown-agent' } });
      expect(publisher.lifecycle()).toHaveLength(before);
    });

    it('queues a transferred interaction when nobody else is free, and refuses a transfer by anyone but the holder', async () => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await expect(
        router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, transferReason: 'x' })),
      ).rejects.toMatchObject({ code: 'stale-transfer', details: { reason: 'not-assigned' } });
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      await expect(
        router.handleAgentCommand(command({ type: 'transfer', agentId: 'bob', interactionId, transferReason: 'x' })),
      ).rejects.toMatchObject({ code: 'stale-transfer', details: { reason: 'not-your-interaction' } });

      await router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, transferReason: 'x' }));
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['transferred alice', 'queued']);
      expect((await store.getInteraction(interactionId))?.state).toBe('queued');
    });
  });

  describe('conference', () => {
    /** alice holds an accepted interaction; bob (and carol) are signed in, not ready, with room. */
    const held = async (): Promise<string> => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      await presence('bob', 'not-ready');
      await presence('carol', 'not-ready');
      return interactionId;
    };
    const invite = async (interactionId: string, toAgentId = 'bob'): Promise<string> => {
      await router.handleAgentCommand(command({ type: 'conference', agentId: 'alice', interactionId, toAgentId, conferenceReason: 'second pair of eyes' }));
      const offered = publisher.lifecycle().filter((e) => e.payload.type === 'conference-offered').pop();
      return offered?.payload.offerId ?? '';
    };

    it('invites with an offer carrying the first message and the reason; the accept makes a guest who takes a slot, the holder keeps it', async () => {
      const interactionId = await held();
      const offerId = await invite(interactionId);
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({
        type: 'conference-offered',
        agentId: 'bob',
        fromAgentId: 'alice',
        offerId,
        offerExpiresAt: new Date(time + OFFER_TIMEOUT_MS).toISOString(),
        reason: 'second pair of eyes',
        message: expect.anything(),
        classification: expect.anything(),
      });
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId }));
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({ type: 'conference-joined', agentId: 'bob', fromAgentId: 'alice', offerId, conferenceAgentIds: ['bob'] });
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'alice', conferenceAgentIds: ['bob'] });
      expect(await store.getAgent('bob')).toMatchObject({ load: 1 });

      // Every participant's desktop is addressed from the events: a new customer message names the guests.
      await router.handleClassified(classifiedEvent(inboundMessage({ messageId: '1800000000000000999', conversationKey: (await store.getInteraction(interactionId))?.conversationKey ?? '' })));
      expect(publisher.lifecycle().filter((e) => e.payload.type === 'message-added').pop()?.payload).toMatchObject({ agentId: 'alice', conferenceAgentIds: ['bob'] });

      // Done by the holder ends the conference: the completion lists the guests it freed.
      await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId }));
      expect(publisher.lifecycle().filter((e) => e.payload.type === 'completed').pop()?.payload).toMatchObject({ agentId: 'alice', conferenceAgentIds: ['bob'] });
      expect(await store.getAgent('bob')).toMatchObject({ load: 0 });
    });

    it('tells the holder of a declined or timed-out invitation and changes nothing else; the silent invitee keeps its state', async () => {
      const interactionId = await held();
      const declined = await invite(interactionId);
      await router.handleAgentCommand(command({ type: 'decline', agentId: 'bob', interactionId, offerId: declined }));
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['conference-offered bob', 'conference-declined bob']);
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({ fromAgentId: 'alice', offerId: declined });
      await invite(interactionId);
      time += OFFER_TIMEOUT_MS;
      await router.sweepOnce();
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['conference-offered bob', 'conference-timed-out bob']);
      expect((await store.getAgent('bob'))?.state).toBe('not-ready');
      expect((await store.getAgent('bob'))?.reason).toBeUndefined();
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'alice' });
    });

    it('drops an invitation to oneself, a guest already, beyond the conference size or during a transfer, with the reason, publishing nothing', async () => {
      const interactionId = await held();
      const offerId = await invite(interactionId);
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId }));
      const before = publisher.lifecycle().length;
      const refused = (toAgentId: string, agentId = 'alice') =>
        router.handleAgentCommand(command({ type: 'conference', agentId, interactionId, toAgentId }));
      await expect(refused('alice')).rejects.toMatchObject({ code: 'conference-refused', details: { reason: 'invite-self' } });
      await expect(refused('bob')).rejects.toMatchObject({ code: 'conference-refused', details: { reason: 'already-in-conference' } });
      await expect(refused('carol')).rejects.toMatchObject({ code: 'conference-refused', details: { reason: 'conference-full' } });
      await expect(refused('carol', 'bob')).rejects.toMatchObject({ code: 'stale-conference', details: { reason: 'not-your-interaction' } });
      await expect(
        router.handleAgentCommand(command({ type: 'transfer', agentId: 'alice', interactionId, toAgentId: 'carol', transferReason: 'x' })),
      ).rejects.toMatchObject({ code: 'stale-transfer', details: { reason: 'in-conference' } });
      expect(publisher.lifecycle()).toHaveLength(before);
    });

    it('frees a guest who leaves, refuses the holder leaving without handing over, and hands over to a guest', async () => {
      const interactionId = await held();
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId: await invite(interactionId) }));
      await expect(router.handleAgentCommand(command({ type: 'leave-conference', agentId: 'alice', interactionId }))).rejects.toMatchObject({
        code: 'stale-conference',
        details: { reason: 'holder-must-hand-over' },
      });
      await router.handleAgentCommand(command({ type: 'leave-conference', agentId: 'bob', interactionId }));
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({ type: 'conference-left', agentId: 'bob', fromAgentId: 'alice' });
      expect(publisher.lifecycle().pop()?.payload.conferenceAgentIds).toBeUndefined();
      expect(await store.getAgent('bob')).toMatchObject({ load: 0 });

      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId: await invite(interactionId) }));
      await router.handleAgentCommand(command({ type: 'leave-conference', agentId: 'alice', interactionId, toAgentId: 'bob' }));
      expect(publisher.lifecycle().filter((e) => e.payload.type === 'conference-handed-over').pop()?.payload).toMatchObject({ agentId: 'bob', fromAgentId: 'alice' });
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'bob' });
      expect(await store.getAgent('alice')).toMatchObject({ load: 0 });
    });

    it("tells the invitee its invitation is gone when the holder completes the interaction meanwhile", async () => {
      const interactionId = await held();
      const offerId = await invite(interactionId);
      await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId }));
      expect(publisher.lifecycleSummary().slice(-2)).toEqual(['completed alice', 'conference-declined bob']);
      expect(publisher.lifecycle().pop()?.payload).toMatchObject({ agentId: 'bob', fromAgentId: 'alice', offerId, reason: 'the interaction was completed' });
      await expect(router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId }))).rejects.toBeInstanceOf(DropError);
    });

    it('takes a guest who signs out out of the conference, telling the holder', async () => {
      const interactionId = await held();
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'bob', interactionId, offerId: await invite(interactionId) }));
      await router.handleAgentCommand(command({ type: 'presence', agentId: 'bob', presence: 'offline', cause: 'sign-out' }));
      expect(publisher.lifecycle().filter((e) => e.payload.type === 'conference-left').pop()?.payload).toMatchObject({
        agentId: 'bob',
        fromAgentId: 'alice',
        reason: 'agent offline (sign-out)',
      });
      expect(await store.getInteraction(interactionId)).toMatchObject({ state: 'assigned', agentId: 'alice' });
      expect((await store.getInteraction(interactionId))?.conferenceAgentIds).toBeUndefined();
    });

    it('refuses a conference size outside 2..10 at start-up', () => {
      const make = (conferenceMaxAgents: number) => () =>
        new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), { tenant: 'acme', offerTimeoutMs: 1_000, sweepIntervalMs: 100, conferenceMaxAgents });
      expect(make(1)).toThrow(ValidationFailedError);
      expect(make(11)).toThrow(ValidationFailedError);
      expect(make(3)).not.toThrow();
    });
  });

  it('passes per-channel limits from presence to the store: a DM still reaches an agent whose public limit is full', async () => {
    await router.handleAgentCommand(
      command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 2, capacityByChannel: { public: 1, dm: 1 } }),
    );
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleClassified(classifiedEvent(inboundMessage({ kind: 'dm' })));
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'created', 'queued', 'created', 'offered alice']);
    expect(await store.getAgent('alice')).toMatchObject({ capacity: 2, loadByChannel: { public: 1, dm: 1 } });
  });

  it('offers an interaction every agent declined again once the decline memory has passed, with no restart', async () => {
    const memoryStore = new MemoryRoutingStore('acme', { declineMemoryMs: 60_000 });
    const fair = new RouterService(memoryStore, publisher, { now: () => time }, createLogger('router-test'), {
      tenant: 'acme',
      offerTimeoutMs: OFFER_TIMEOUT_MS,
      sweepIntervalMs: 1_000,
    });
    for (const agentId of ['alice', 'bob', 'carol']) {
      await fair.handleAgentCommand(command({ type: 'presence', agentId, presence: 'ready' }));
      time += 1;
    }
    await fair.handleClassified(classifiedEvent(inboundMessage()));
    for (const agentId of ['alice', 'bob', 'carol']) {
      const { interactionId, offerId } = lastOffer(agentId);
      await fair.handleAgentCommand(command({ type: 'decline', agentId, interactionId, offerId }));
      time += 1;
    }
    expect(publisher.lifecycleSummary().filter((e) => e.startsWith('offered'))).toEqual(['offered alice', 'offered bob', 'offered carol']);
    time += 60_000;
    await fair.sweepOnce();
    expect(publisher.lifecycleSummary().at(-1)).toBe('offered alice');
  });

  describe('agent state, published on every change (routing.agent.v1)', () => {
    const WRAP_UP_MS = 20_000;

    it('publishes the state a presence set, with its cause, its reason and the command as cause and correlation', async () => {
      const ready = command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 2 });
      await router.handleAgentCommand(ready);
      time += 5;
      await router.handleAgentCommand(
        command({ type: 'presence', agentId: 'alice', presence: 'not-ready', reason: 'meeting', cause: 'supervisor', actorId: 'carol' }),
      );
      expect(publisher.agentStateSummary()).toEqual(['alice ready by agent', 'alice not-ready/meeting by supervisor']);
      const [first, second] = publisher.agentStates();
      expect(first?.payload).toEqual({
        agentId: 'alice',
        state: 'ready',
        since: new Date(T0).toISOString(),
        cause: 'agent',
        capacity: 2,
        load: 0,
        loadByChannel: { public: 0, dm: 0 },
      });
      expect(first?.causationId).toBe(ready.eventId);
      expect(first?.correlationId).toBe(ready.correlationId);
      expect(second?.payload).toMatchObject({ actorId: 'carol', since: new Date(T0 + 5).toISOString() });
    });

    it('refuses a reason that is not configured, or one with ready, and changes and publishes nothing', async () => {
      const strict = new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
        tenant: 'acme',
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        sweepIntervalMs: 1_000,
        notReadyReasons: ['lunch'],
      });
      await expect(strict.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'not-ready', reason: 'break' }))).rejects.toBeInstanceOf(
        ValidationFailedError,
      );
      await expect(strict.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', reason: 'lunch' }))).rejects.toBeInstanceOf(
        ValidationFailedError,
      );
      expect(await store.getAgent('alice')).toBeUndefined();
      expect(publisher.agentStates()).toEqual([]);
      // The configured code, and the router's own missed-offer, are taken.
      await strict.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'not-ready', reason: 'lunch' }));
      await strict.handleAgentCommand(command({ type: 'presence', agentId: 'bob', presence: 'not-ready', reason: 'missed-offer' }));
      expect(publisher.agentStateSummary()).toEqual(['alice not-ready/lunch by agent', 'bob not-ready/missed-offer by agent']);
    });

    it('publishes not-ready (missed-offer) caused by the offer timeout, naming the missed interaction', async () => {
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId } = lastOffer('alice');
      time += OFFER_TIMEOUT_MS;
      await router.sweepOnce();
      expect(publisher.agentStateSummary()).toEqual(['alice ready by agent', 'alice not-ready/missed-offer by offer-timeout']);
      expect(publisher.agentStates()[1]?.payload).toMatchObject({ interactionId, since: new Date(time).toISOString(), load: 0 });
      expect(await store.getAgent('alice')).toMatchObject({ state: 'not-ready', reason: 'missed-offer' });
    });

    it('publishes wrap-up after a completion, then ready when the wrap-up time ends, and only then offers more work', async () => {
      store = new MemoryRoutingStore('acme', { wrapUpMs: WRAP_UP_MS });
      router = new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
        tenant: 'acme',
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        sweepIntervalMs: 1_000,
      });
      await presence('alice', 'ready');
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const { interactionId, offerId } = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId, offerId }));
      await router.handleClassified(classifiedEvent(inboundMessage()));
      time += 10;
      await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId }));
      expect(publisher.agentStateSummary()).toEqual(['alice ready by agent', 'alice wrap-up by agent']);
      expect(publisher.agentStates()[1]?.payload).toMatchObject({ interactionId, wrapUpEndsAt: new Date(time + WRAP_UP_MS).toISOString() });
      expect(publisher.lifecycleSummary().filter((e) => e.startsWith('offered'))).toEqual(['offered alice']);

      time += WRAP_UP_MS - 1;
      await router.sweepOnce();
      expect(publisher.agentStates()).toHaveLength(2);
      time += 1;
      await router.sweepOnce();
      expect(publisher.agentStateSummary().at(-1)).toBe('alice ready by wrap-up-timeout');
      expect(publisher.lifecycleSummary().filter((e) => e.startsWith('offered'))).toEqual(['offered alice', 'offered alice']);
    });

    it('withdraws the offers of an agent signed out, queues them for others, keeps its assigned work and flags it', async () => {
      await presence('alice', 'ready', 3);
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const held = lastOffer('alice');
      await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: held.interactionId, offerId: held.offerId }));
      await router.handleClassified(classifiedEvent(inboundMessage()));
      const pending = lastOffer('alice');

      await router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'offline', cause: 'sign-out' }));
      const queued = publisher.lifecycle().at(-1);
      expect(queued?.payload).toMatchObject({
        type: 'queued',
        interactionId: pending.interactionId,
        agentId: 'alice',
        offerId: pending.offerId,
        reason: 'offer withdrawn: agent offline (sign-out)',
      });
      expect(publisher.agentStates().at(-1)?.payload).toMatchObject({
        state: 'offline',
        cause: 'sign-out',
        load: 1,
        withdrawnOffers: [pending.interactionId],
        heldByOfflineAgent: [held.interactionId],
      });

      await presence('bob', 'ready');
      expect(lastOffer('bob').interactionId).toBe(pending.interactionId);
    });
  });

  it('refuses to run against another tenant’s store', () => {
    expect(
      () =>
        new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
          tenant: 'other',
          offerTimeoutMs: 1,
          sweepIntervalMs: 1,
        }),
    ).toThrow(ValidationFailedError);
  });
});
