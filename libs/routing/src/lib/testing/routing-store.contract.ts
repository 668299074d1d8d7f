import { newId, ValidationFailedError } from '@perch/platform';

import { type AgentState, type ChannelCounts, type InteractionRecord, type Offer } from '../routing.types';
import { type RoutingStore, type RoutingStoreOptions } from '../store/routing-store.port';
import { inboundMessage, upsertInput } from './routing.fixtures';

export interface RoutingStoreHarness {
  store: RoutingStore;
  /** Removes whatever the store wrote (Redis: the tenant's keys only). */
  dispose(): Promise<void>;
  /** The adapter's own consistency checks on its whole state (Redis: the audit of every key), empty when sound. */
  violations?(): Promise<string[]>;
  /** Deletes the outbox as a Redis that lost its data would (Redis: the stream key and its consumer group). */
  dropOutbox?(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const TIMEOUT = 30_000;

/** A fresh, empty store with these options (Redis: a unique tenant, so tests never see each other's keys). */
export type RoutingStoreFactory = (options?: RoutingStoreOptions) => Promise<RoutingStoreHarness>;

/** The behaviour every RoutingStore adapter must have. */
export function describeRoutingStoreContract(name: string, factory: RoutingStoreFactory): void {
  describe(`RoutingStore contract: ${name}`, () => {
    let harness: RoutingStoreHarness;
    let store: RoutingStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    /** For a test that needs other options: the store of this test becomes a fresh one with them. */
    const reopen = async (options: RoutingStoreOptions): Promise<void> => {
      await harness.dispose();
      harness = await factory(options);
      store = harness.store;
    };

    const presence = (agentId: string, state: AgentState, now: number, capacity?: number, skills?: string[]) =>
      store.setPresence({
        agentId,
        state,
        now,
        ...(capacity === undefined ? {} : { capacity }),
        ...(skills === undefined ? {} : { skills }),
      });

    const create = async (now: number, priority = 1, requiredSkill?: string, kind: 'mention' | 'dm' = 'mention'): Promise<string> => {
      const result = await store.upsertInteraction(
        upsertInput(now, {
          priority,
          message: inboundMessage({ kind }),
          ...(requiredSkill === undefined ? {} : { requiredSkill }),
        }),
      );
      if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
      return result.interaction.interactionId;
    };

    const dispatch = (now: number): Promise<Offer | undefined> => store.dispatch(now, TIMEOUT, newId());

    const mustDispatch = async (now: number): Promise<Offer> => {
      const offer = await dispatch(now);
      if (!offer) throw new Error('expected an offer');
      return offer;
    };

    describe('agents', () => {
      it('registers a new agent with capacity 1 and no load, available once ready', async () => {
        const agent = await presence('a1', 'ready', T0);
        expect(agent).toEqual({
          agentId: 'a1',
          state: 'ready',
          capacity: 1,
          load: 0,
          loadByChannel: { public: 0, dm: 0 },
          skills: [],
          stateSince: T0,
          idleSince: T0,
        });
        expect((await store.listAvailable(10)).map((a) => a.agentId)).toEqual(['a1']);
      });

      it('removes a not-ready or offline agent from the available set', async () => {
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        await presence('a1', 'not-ready', T0 + 2);
        await presence('a2', 'offline', T0 + 3);
        expect(await store.listAvailable(10)).toEqual([]);
        expect(await store.getAgent('a1')).toMatchObject({ state: 'not-ready', stateSince: T0 + 2 });
        expect((await store.getAgent('a1'))?.idleSince).toBeUndefined();
      });

      it('keeps capacity and skills when presence omits them', async () => {
        await presence('a1', 'ready', T0, 3, ['billing']);
        const agent = await presence('a1', 'not-ready', T0 + 1);
        expect(agent).toMatchObject({ capacity: 3, skills: ['billing'] });
      });

      it('keeps an already-available agent in its idle position when ready is sent again', async () => {
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        await presence('a1', 'ready', T0 + 2);
        expect((await store.listAvailable(10)).map((a) => [a.agentId, a.idleSince])).toEqual([
          ['a1', T0],
          ['a2', T0 + 1],
        ]);
      });

      it('lists available agents longest-idle first, bounded by the limit', async () => {
        await presence('a3', 'ready', T0 + 3);
        await presence('a1', 'ready', T0 + 1);
        await presence('a2', 'ready', T0 + 2);
        expect((await store.listAvailable(2)).map((a) => a.agentId)).toEqual(['a1', 'a2']);
        expect(await store.listAvailable(0)).toEqual([]);
      });

      it('returns nothing for an unknown agent', async () => {
        expect(await store.getAgent('nobody')).toBeUndefined();
      });

      it('refuses a capacity outside 1..50', async () => {
        await expect(presence('a1', 'ready', T0, 0)).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(presence('a1', 'ready', T0, 51)).rejects.toBeInstanceOf(ValidationFailedError);
      });
    });

    describe('interactions', () => {
      it('creates a queued interaction carrying the first message, classification and correlation id', async () => {
        const input = upsertInput(T0, { priority: 2 });
        const result = await store.upsertInteraction(input);
        expect(result.kind).toBe('created');
        const stored = await store.getInteraction(input.interactionIdIfNew);
        expect(stored).toEqual({
          interactionId: input.interactionIdIfNew,
          conversationKey: input.message.conversationKey,
          brandAccountId: input.message.brandAccountId,
          correlationId: input.correlationId,
          state: 'queued',
          priority: 2,
          createdAt: T0,
          declinedBy: [],
          messageCount: 1,
          firstMessage: input.message,
          classification: input.classification,
          updatedAt: T0,
        });
        expect(await store.queueDepth()).toBe(1);
      });

      it('appends a second message of the conversation to the open interaction', async () => {
        const first = upsertInput(T0);
        await store.upsertInteraction(first);
        const second = upsertInput(T0 + 5, {
          message: inboundMessage({ conversationKey: first.message.conversationKey }),
        });
        const result = await store.upsertInteraction(second);
        expect(result).toMatchObject({
          kind: 'appended',
          interaction: { interactionId: first.interactionIdIfNew, state: 'queued', messageCount: 2, updatedAt: T0 + 5 },
        });
        expect(await store.queueDepth()).toBe(1);
        expect(await store.getInteraction(second.interactionIdIfNew)).toBeUndefined();
      });

      it('tells who holds the open interaction when a message joins it', async () => {
        const first = upsertInput(T0);
        await store.upsertInteraction(first);
        await presence('a1', 'ready', T0);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(offer.interactionId, offer.offerId, 'a1', T0 + 2);
        const result = await store.upsertInteraction(
          upsertInput(T0 + 3, { message: inboundMessage({ conversationKey: first.message.conversationKey }) }),
        );
        expect(result).toMatchObject({ kind: 'appended', interaction: { state: 'assigned', agentId: 'a1' } });
      });

      it('ignores a redelivered message: no second interaction and no second append', async () => {
        const input = upsertInput(T0);
        await store.upsertInteraction(input);
        const again = await store.upsertInteraction({ ...input, interactionIdIfNew: newId(), now: T0 + 1 });
        expect(again).toEqual({ kind: 'duplicate', interactionId: input.interactionIdIfNew });
        expect(await store.queueDepth()).toBe(1);
        expect((await store.getInteraction(input.interactionIdIfNew))?.messageCount).toBe(1);
      });

      it('raises a queued interaction when a more urgent message joins it, keeping its age', async () => {
        const older = upsertInput(T0, { priority: 0 });
        await store.upsertInteraction(older);
        await create(T0 + 10, 2);
        await store.upsertInteraction(
          upsertInput(T0 + 20, { priority: 3, message: inboundMessage({ conversationKey: older.message.conversationKey }) }),
        );
        await presence('a1', 'ready', T0 + 30);
        const offer = await mustDispatch(T0 + 31);
        expect(offer.interactionId).toBe(older.interactionIdIfNew);
        expect(offer.interaction).toMatchObject({ priority: 3, createdAt: T0 });
      });

      it('refuses a priority outside 0..100', async () => {
        await expect(store.upsertInteraction(upsertInput(T0, { priority: 101 }))).rejects.toBeInstanceOf(
          ValidationFailedError,
        );
        await expect(store.upsertInteraction(upsertInput(T0, { priority: 1.5 }))).rejects.toBeInstanceOf(
          ValidationFailedError,
        );
      });

      it('returns nothing for an unknown interaction', async () => {
        expect(await store.getInteraction(newId())).toBeUndefined();
      });
    });

    describe('dispatch', () => {
      it('offers nothing when nobody is available or nothing waits', async () => {
        expect(await dispatch(T0)).toBeUndefined();
        await create(T0);
        expect(await dispatch(T0)).toBeUndefined();
        await presence('a1', 'not-ready', T0);
        expect(await dispatch(T0)).toBeUndefined();
        expect(await store.queueDepth()).toBe(1);
      });

      it('offers the queue head to the longest-idle available agent', async () => {
        await presence('a2', 'ready', T0 + 2);
        await presence('a1', 'ready', T0 + 1);
        const id = await create(T0 + 3);
        const offerId = newId();
        const offer = await store.dispatch(T0 + 4, TIMEOUT, offerId);
        expect(offer).toMatchObject({
          offerId,
          interactionId: id,
          agentId: 'a1',
          offeredAt: T0 + 4,
          expiresAt: T0 + 4 + TIMEOUT,
          interaction: { state: 'offered', agentId: 'a1', offerId, offerExpiresAt: T0 + 4 + TIMEOUT },
        });
        expect(await store.getAgent('a1')).toMatchObject({ load: 1 });
        expect((await store.getAgent('a1'))?.idleSince).toBeUndefined();
        expect(await store.queueDepth()).toBe(0);
        expect(await dispatch(T0 + 5)).toBeUndefined();
      });

      it('serves higher priority first, then the oldest', async () => {
        const lowOld = await create(T0, 0);
        const highNew = await create(T0 + 2, 3);
        const highOld = await create(T0 + 1, 3);
        const mid = await create(T0 + 3, 2);
        await presence('a1', 'ready', T0 + 10, 4);
        const order: string[] = [];
        for (let i = 0; i < 4; i += 1) order.push((await mustDispatch(T0 + 11 + i)).interactionId);
        expect(order).toEqual([highOld, highNew, mid, lowOld]);
      });

      it('gives an agent with capacity 2 two offers, then takes it out of the available set', async () => {
        await presence('a1', 'ready', T0, 2);
        await create(T0 + 1);
        await create(T0 + 2);
        await create(T0 + 3);
        expect((await mustDispatch(T0 + 4)).agentId).toBe('a1');
        expect(await store.getAgent('a1')).toMatchObject({ load: 1, idleSince: T0 + 4 });
        expect((await mustDispatch(T0 + 5)).agentId).toBe('a1');
        expect(await dispatch(T0 + 6)).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 2 });
        expect(await store.listAvailable(10)).toEqual([]);
      });

      it('moves an agent who was given work to the back of the idle order', async () => {
        await presence('a1', 'ready', T0 + 1, 2);
        await presence('a2', 'ready', T0 + 2, 2);
        await create(T0 + 3);
        await create(T0 + 4);
        expect((await mustDispatch(T0 + 5)).agentId).toBe('a1');
        expect((await mustDispatch(T0 + 6)).agentId).toBe('a2');
        expect((await store.listAvailable(10)).map((a) => a.agentId)).toEqual(['a1', 'a2']);
      });

      it('offers an interaction needing a skill only to agents having it, without blocking the queue', async () => {
        await presence('a1', 'ready', T0 + 1);
        await presence('a2', 'ready', T0 + 2, 1, ['spanish']);
        const spanish = await create(T0 + 3, 3, 'spanish');
        const plain = await create(T0 + 4, 1);
        const first = await mustDispatch(T0 + 5);
        expect([first.interactionId, first.agentId]).toEqual([spanish, 'a2']);
        const second = await mustDispatch(T0 + 6);
        expect([second.interactionId, second.agentId]).toEqual([plain, 'a1']);
      });

      it('leaves an interaction queued when only agents without its skill are available', async () => {
        await presence('a1', 'ready', T0 + 1, 1, ['english']);
        await create(T0 + 2, 1, 'spanish');
        expect(await dispatch(T0 + 3)).toBeUndefined();
        expect(await store.queueDepth()).toBe(1);
      });

      it('offers skilled work to the highest-level agent first, then the longest-idle; a plain skill name is level 1', async () => {
        await presence('a1', 'ready', T0 + 1, 1, ['spanish']);
        await presence('a2', 'ready', T0 + 2, 1, ['spanish=3', 'billing=5']);
        await presence('a3', 'ready', T0 + 3, 1, ['spanish=3']);
        await presence('a4', 'ready', T0 + 4, 1, ['billing=5']);
        const first = await create(T0 + 5, 1, 'spanish');
        const second = await create(T0 + 6, 1, 'spanish');
        const third = await create(T0 + 7, 1, 'spanish');
        expect(await mustDispatch(T0 + 8)).toMatchObject({ interactionId: first, agentId: 'a2' });
        expect(await mustDispatch(T0 + 9)).toMatchObject({ interactionId: second, agentId: 'a3' });
        expect(await mustDispatch(T0 + 10)).toMatchObject({ interactionId: third, agentId: 'a1' });
        // Work needing no skill ignores levels: the longest-idle agent.
        const plain = await create(T0 + 11, 1);
        expect(await mustDispatch(T0 + 12)).toMatchObject({ interactionId: plain, agentId: 'a4' });
      });

      it('refuses a skill with a malformed level, changing nothing', async () => {
        await presence('a1', 'ready', T0 + 1, 1, ['spanish=2']);
        for (const skills of [['spanish=0'], ['spanish=11'], ['=2'], ['a=1=2']]) {
          await expect(presence('a1', 'ready', T0 + 2, 1, skills)).rejects.toThrow(ValidationFailedError);
        }
        expect(await store.getAgent('a1')).toMatchObject({ skills: ['spanish=2'] });
      });

      it('never offers more than capacity however many interactions wait', async () => {
        await presence('a1', 'ready', T0, 3);
        for (let i = 0; i < 6; i += 1) await create(T0 + i);
        const offers: Offer[] = [];
        for (let i = 0; i < 6; i += 1) {
          const offer = await dispatch(T0 + 10 + i);
          if (offer) offers.push(offer);
        }
        expect(offers).toHaveLength(3);
        expect(await store.getAgent('a1')).toMatchObject({ load: 3 });
        expect(await store.queueDepth()).toBe(3);
      });
    });

    describe('accept', () => {
      it('assigns the interaction to the agent whose current offer it is', async () => {
        await presence('a1', 'ready', T0);
        await create(T0);
        const offer = await mustDispatch(T0 + 1);
        const result = await store.accept(offer.interactionId, offer.offerId, 'a1', T0 + 2);
        expect(result).toMatchObject({
          kind: 'accepted',
          interaction: { state: 'assigned', agentId: 'a1', offerId: offer.offerId },
        });
        if (result.kind === 'accepted') expect(result.interaction.offerExpiresAt).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 1 });
      });

      it('refuses a stale offer id, another agent, an expired offer and an unknown interaction', async () => {
        await presence('a1', 'ready', T0);
        await create(T0);
        const offer = await mustDispatch(T0 + 1);
        expect(await store.accept(offer.interactionId, newId(), 'a1', T0 + 2)).toEqual({
          kind: 'stale',
          reason: 'offer-mismatch',
        });
        expect(await store.accept(offer.interactionId, offer.offerId, 'a2', T0 + 2)).toEqual({
          kind: 'stale',
          reason: 'offer-mismatch',
        });
        expect(await store.accept(offer.interactionId, offer.offerId, 'a1', offer.expiresAt)).toEqual({
          kind: 'stale',
          reason: 'offer-expired',
        });
        expect(await store.accept(newId(), offer.offerId, 'a1', T0 + 2)).toEqual({
          kind: 'stale',
          reason: 'unknown-interaction',
        });
        expect((await store.getInteraction(offer.interactionId))?.state).toBe('offered');
      });

      it('treats the same accept again as already accepted, and an accept after a decline as stale', async () => {
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        await create(T0 + 2);
        await create(T0 + 3);
        const first = await mustDispatch(T0 + 4);
        const second = await mustDispatch(T0 + 5);
        await store.accept(first.interactionId, first.offerId, first.agentId, T0 + 6);
        expect((await store.accept(first.interactionId, first.offerId, first.agentId, T0 + 7)).kind).toBe(
          'already-accepted',
        );
        await store.decline(second.interactionId, second.offerId, second.agentId, T0 + 8);
        expect(await store.accept(second.interactionId, second.offerId, second.agentId, T0 + 9)).toEqual({
          kind: 'stale',
          reason: 'not-offered',
        });
      });
    });

    describe('decline', () => {
      it('releases the agent, requeues at the original age and offers to someone else', async () => {
        await presence('a1', 'ready', T0 + 1);
        await presence('a2', 'ready', T0 + 2, 1);
        const older = await create(T0 + 3);
        const offer = await mustDispatch(T0 + 4);
        expect(offer).toMatchObject({ interactionId: older, agentId: 'a1' });
        const younger = await create(T0 + 5);

        const result = await store.decline(older, offer.offerId, 'a1', T0 + 6);
        expect(result).toMatchObject({ kind: 'declined', offerId: offer.offerId });
        if (result.kind !== 'declined') throw new Error('expected declined');
        expect(result.interaction).toMatchObject({ state: 'queued', createdAt: T0 + 3, declinedBy: ['a1'] });
        expect(result.interaction.agentId).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 0, idleSince: T0 + 6 });

        // a2 has idled longest now; the older interaction goes first despite the younger one.
        const next = await mustDispatch(T0 + 7);
        expect(next).toMatchObject({ interactionId: older, agentId: 'a2' });
        // a1 is not offered what it declined while the decline is remembered, but gets the younger one.
        const third = await mustDispatch(T0 + 8);
        expect(third).toMatchObject({ interactionId: younger, agentId: 'a1' });
      });

      it('keeps an interaction queued when its only available agent declined it', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.decline(id, offer.offerId, 'a1', T0 + 2);
        expect(await dispatch(T0 + 3)).toBeUndefined();
        expect(await store.queueDepth()).toBe(1);
      });

      it('refuses a decline of a stale offer', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        expect(await store.decline(id, newId(), 'a1', T0 + 2)).toEqual({ kind: 'stale', reason: 'offer-mismatch' });
        await store.decline(id, offer.offerId, 'a1', T0 + 3);
        expect(await store.decline(id, offer.offerId, 'a1', T0 + 4)).toEqual({ kind: 'stale', reason: 'not-offered' });
        expect(await store.getAgent('a1')).toMatchObject({ load: 0 });
      });

      it('does not make a not-ready agent available again when it declines', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await presence('a1', 'not-ready', T0 + 2);
        await store.decline(id, offer.offerId, 'a1', T0 + 3);
        expect(await store.getAgent('a1')).toMatchObject({ load: 0, state: 'not-ready' });
        expect(await store.listAvailable(10)).toEqual([]);
      });
    });

    describe('transferToQueue', () => {
      it('releases the holder, requeues at the original age, leaves its held work and offers it to someone else', async () => {
        await presence('a1', 'ready', T0 + 1);
        const id = await create(T0 + 2);
        const offer = await mustDispatch(T0 + 3);
        await store.accept(id, offer.offerId, 'a1', T0 + 4);
        await presence('a2', 'ready', T0 + 5);

        const result = await store.transferToQueue(id, 'a1', T0 + 6);
        expect(result).toMatchObject({ kind: 'transferred', fromAgentId: 'a1' });
        if (result.kind !== 'transferred') throw new Error('expected transferred');
        expect(result.interaction).toMatchObject({ state: 'queued', createdAt: T0 + 2, declinedBy: ['a1'] });
        expect(result.interaction.agentId).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 0 });
        expect((await store.getAgentWork('a1'))?.interactions).toEqual([]);
        expect(await mustDispatch(T0 + 7)).toMatchObject({ interactionId: id, agentId: 'a2' });
      });

      it('refuses a transfer by anyone but the holder, or of work not assigned, and changes nothing', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        expect(await store.transferToQueue(id, 'a1', T0 + 2)).toEqual({ kind: 'stale', reason: 'not-assigned' });
        await store.accept(id, offer.offerId, 'a1', T0 + 3);
        expect(await store.transferToQueue(id, 'a2', T0 + 4)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        expect(await store.transferToQueue(newId(), 'a1', T0 + 4)).toEqual({ kind: 'stale', reason: 'unknown-interaction' });
        expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: 'a1' });
        expect(await store.getAgent('a1')).toMatchObject({ load: 1 });
      });
    });

    describe('offerTransfer (to a named agent)', () => {
      const sound = async (): Promise<void> => {
        expect((await harness.violations?.()) ?? []).toEqual([]);
      };
      /** a1 holds one accepted interaction; a2 is signed in with room. */
      const held = async (): Promise<string> => {
        await presence('a1', 'ready', T0, 1);
        const id = await create(T0 + 1);
        const offer = await mustDispatch(T0 + 2);
        await store.accept(id, offer.offerId, 'a1', T0 + 3);
        await presence('a2', 'not-ready', T0 + 4, 1);
        return id;
      };
      const transfer = (id: string, toAgentId: string, now: number, fromAgentId = 'a1', offerId = newId()) =>
        store.offerTransfer({ interactionId: id, fromAgentId, toAgentId, offerId, now, offerTimeoutMs: TIMEOUT });

      it('keeps the interaction with its holder until the target accepts, then moves it and both loads', async () => {
        const id = await held();
        const offered = await transfer(id, 'a2', T0 + 5);
        expect(offered).toMatchObject({ kind: 'transfer-offered', transferOffer: { toAgentId: 'a2', expiresAt: T0 + 5 + TIMEOUT } });
        if (offered.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: 'a1', transferOffer: { toAgentId: 'a2' } });
        expect(await store.getAgent('a2')).toMatchObject({ load: 0 });
        await sound();

        const accepted = await store.accept(id, offered.transferOffer.offerId, 'a2', T0 + 6);
        expect(accepted).toMatchObject({ kind: 'accepted', transferredFrom: 'a1', interaction: { state: 'assigned', agentId: 'a2' } });
        expect((await store.getInteraction(id))?.transferOffer).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 0 });
        expect(await store.getAgent('a2')).toMatchObject({ load: 1 });
        expect(await store.accept(id, offered.transferOffer.offerId, 'a2', T0 + 7)).toMatchObject({ kind: 'already-accepted' });
        await sound();
      });

      it('leaves it with the holder when the target declines or lets the offer time out', async () => {
        const id = await held();
        const first = await transfer(id, 'a2', T0 + 5);
        if (first.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect(await store.decline(id, first.transferOffer.offerId, 'a2', T0 + 6)).toMatchObject({
          kind: 'declined',
          transferDeclined: true,
          interaction: { state: 'assigned', agentId: 'a1' },
        });
        await sound();
        const second = await transfer(id, 'a2', T0 + 7);
        if (second.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        const expired = await store.sweepExpiredOffers(T0 + 7 + TIMEOUT, 10);
        expect(expired).toEqual([
          expect.objectContaining({ transfer: true, agentId: 'a2', offerId: second.transferOffer.offerId, agentSetNotReady: false }),
        ]);
        expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: 'a1' });
        expect((await store.getInteraction(id))?.transferOffer).toBeUndefined();
        expect(await store.accept(id, second.transferOffer.offerId, 'a2', T0 + 8 + TIMEOUT)).toMatchObject({ kind: 'stale' });
        expect(await store.getAgent('a1')).toMatchObject({ load: 1 });
        await sound();
      });

      it('refuses a transfer to oneself, an unknown, offline or full agent, by a non-holder, or while one is pending, changing nothing', async () => {
        const id = await held();
        await presence('a3', 'offline', T0 + 5);
        expect(await transfer(id, 'a1', T0 + 6)).toEqual({ kind: 'refused', reason: 'transfer-to-self' });
        expect(await transfer(id, 'nobody', T0 + 6)).toEqual({ kind: 'refused', reason: 'unknown-agent' });
        expect(await transfer(id, 'a3', T0 + 6)).toEqual({ kind: 'refused', reason: 'agent-offline' });
        expect(await transfer(id, 'a1', T0 + 6, 'a2')).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        // a2 fills up with an interaction of its own.
        await presence('a2', 'ready', T0 + 7, 1);
        await create(T0 + 8);
        await mustDispatch(T0 + 9);
        expect(await transfer(id, 'a2', T0 + 10)).toEqual({ kind: 'refused', reason: 'agent-at-capacity' });
        await presence('a4', 'ready', T0 + 11, 1);
        expect(await transfer(id, 'a4', T0 + 12)).toMatchObject({ kind: 'transfer-offered' });
        expect(await transfer(id, 'a4', T0 + 13)).toEqual({ kind: 'stale', reason: 'transfer-pending' });
        expect(await store.transferToQueue(id, 'a1', T0 + 13)).toEqual({ kind: 'stale', reason: 'transfer-pending' });
        expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: 'a1', transferOffer: { toAgentId: 'a4' } });
        await sound();
      });

      it('drops a pending transfer when the holder completes the interaction', async () => {
        const id = await held();
        const offered = await transfer(id, 'a2', T0 + 5);
        if (offered.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect(await store.complete(id, 'a1', T0 + 6)).toMatchObject({ droppedOffer: { kind: 'transfer', toAgentId: 'a2', offerId: offered.transferOffer.offerId } });
        expect(await store.accept(id, offered.transferOffer.offerId, 'a2', T0 + 7)).toMatchObject({ kind: 'stale' });
        expect(await store.sweepExpiredOffers(T0 + 6 + TIMEOUT, 10)).toEqual([]);
        await sound();
      });
    });

    describe('conference (offerConference, leaveConference)', () => {
      const sound = async (): Promise<void> => {
        expect((await harness.violations?.()) ?? []).toEqual([]);
      };
      /** a1 holds one accepted interaction (capacity 2); a2 and a3 are signed in with room. */
      const held = async (kind: 'mention' | 'dm' = 'mention'): Promise<string> => {
        await presence('a1', 'ready', T0, 2);
        const id = await create(T0 + 1, 1, undefined, kind);
        const offer = await mustDispatch(T0 + 2);
        await store.accept(id, offer.offerId, 'a1', T0 + 3);
        // Not ready: new work in these tests goes to the others, never to the holder.
        await presence('a1', 'not-ready', T0 + 3, 2);
        await presence('a2', 'not-ready', T0 + 4, 1);
        await presence('a3', 'not-ready', T0 + 4, 1);
        return id;
      };
      const invite = (id: string, toAgentId: string, now: number, options: { from?: string; maxAgents?: number; offerId?: string } = {}) =>
        store.offerConference({
          interactionId: id,
          fromAgentId: options.from ?? 'a1',
          toAgentId,
          offerId: options.offerId ?? newId(),
          now,
          offerTimeoutMs: TIMEOUT,
          maxAgents: options.maxAgents ?? 2,
        });
      /** a2 invited and joined. */
      const joined = async (id: string, guest = 'a2', at = T0 + 5, maxAgents = 2): Promise<void> => {
        const invited = await invite(id, guest, at, { maxAgents });
        if (invited.kind !== 'conference-offered') throw new Error(`expected conference-offered, got ${JSON.stringify(invited)}`);
        const accepted = await store.accept(id, invited.conferenceOffer.offerId, guest, at + 1);
        if (accepted.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(accepted)}`);
      };

      it('invites without taking a slot; the accept makes the invitee a guest holding a slot while the holder keeps it', async () => {
        const id = await held();
        const offered = await invite(id, 'a2', T0 + 5);
        expect(offered).toMatchObject({ kind: 'conference-offered', conferenceOffer: { toAgentId: 'a2', expiresAt: T0 + 5 + TIMEOUT } });
        if (offered.kind !== 'conference-offered') throw new Error('expected conference-offered');
        expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: 'a1', conferenceOffer: { toAgentId: 'a2' } });
        expect(await store.getAgent('a2')).toMatchObject({ load: 0 });
        await sound();

        const accepted = await store.accept(id, offered.conferenceOffer.offerId, 'a2', T0 + 6);
        expect(accepted).toMatchObject({ kind: 'accepted', conferenceJoined: true, interaction: { state: 'assigned', agentId: 'a1', conferenceAgentIds: ['a2'] } });
        const record = await store.getInteraction(id);
        expect(record?.conferenceOffer).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 1 });
        expect(await store.getAgent('a2')).toMatchObject({ load: 1, loadByChannel: { public: 1, dm: 0 } });
        // The guest's work lists it (a reload finds the conference); only the holder's assigned work is the holder's.
        expect((await store.getAgentWork('a2'))?.interactions.map((ix) => ix.interactionId)).toEqual([id]);
        await sound();
      });

      it('leaves everything as it was when the invitee declines or lets the invitation time out, and never sets it not-ready', async () => {
        const id = await held();
        await presence('a2', 'ready', T0 + 4, 1);
        const first = await invite(id, 'a2', T0 + 5);
        if (first.kind !== 'conference-offered') throw new Error('expected conference-offered');
        expect(await store.decline(id, first.conferenceOffer.offerId, 'a2', T0 + 6)).toMatchObject({
          kind: 'declined',
          conferenceDeclined: true,
          interaction: { state: 'assigned', agentId: 'a1' },
        });
        expect((await store.getAgentWork('a2'))?.interactions).toEqual([]);
        await sound();
        const second = await invite(id, 'a2', T0 + 7);
        if (second.kind !== 'conference-offered') throw new Error('expected conference-offered');
        expect(await store.sweepExpiredOffers(T0 + 7 + TIMEOUT, 10)).toEqual([
          expect.objectContaining({ conference: true, agentId: 'a2', offerId: second.conferenceOffer.offerId, agentSetNotReady: false }),
        ]);
        const record = await store.getInteraction(id);
        expect(record).toMatchObject({ state: 'assigned', agentId: 'a1' });
        expect(record?.conferenceOffer).toBeUndefined();
        expect(record?.conferenceAgentIds).toBeUndefined();
        expect(await store.getAgent('a2')).toMatchObject({ state: 'ready', load: 0 });
        expect(await store.accept(id, second.conferenceOffer.offerId, 'a2', T0 + 8 + TIMEOUT)).toMatchObject({ kind: 'stale' });
        await sound();
      });

      it('refuses oneself, an unknown, offline or full agent, a guest already, a full conference, a non-holder and a second pending offer, changing nothing', async () => {
        const id = await held();
        await presence('a4', 'offline', T0 + 4);
        expect(await invite(id, 'a1', T0 + 5)).toEqual({ kind: 'refused', reason: 'invite-self' });
        expect(await invite(id, 'nobody', T0 + 5)).toEqual({ kind: 'refused', reason: 'unknown-agent' });
        expect(await invite(id, 'a4', T0 + 5)).toEqual({ kind: 'refused', reason: 'agent-offline' });
        expect(await invite(id, 'a3', T0 + 5, { from: 'a2' })).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        // a3 fills up with an interaction of its own.
        await presence('a3', 'ready', T0 + 6, 1);
        await create(T0 + 7);
        await mustDispatch(T0 + 8);
        expect(await invite(id, 'a3', T0 + 9)).toEqual({ kind: 'refused', reason: 'agent-at-capacity' });
        await joined(id, 'a2', T0 + 10);
        expect(await invite(id, 'a2', T0 + 12, { maxAgents: 3 })).toEqual({ kind: 'refused', reason: 'already-in-conference' });
        await presence('a5', 'not-ready', T0 + 12, 1);
        expect(await invite(id, 'a5', T0 + 13)).toEqual({ kind: 'refused', reason: 'conference-full' });
        expect(await invite(id, 'a5', T0 + 13, { from: 'a2', maxAgents: 3 })).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        expect(await invite(id, 'a5', T0 + 14, { maxAgents: 3 })).toMatchObject({ kind: 'conference-offered' });
        expect(await invite(id, 'a6', T0 + 15, { maxAgents: 4 })).toEqual({ kind: 'stale', reason: 'invitation-pending' });
        await sound();
      });

      it('lets one live offer per interaction: no invitation beside a transfer offer, no transfer beside an invitation or guests', async () => {
        const id = await held();
        const transfer = await store.offerTransfer({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 5, offerTimeoutMs: TIMEOUT });
        if (transfer.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect(await invite(id, 'a3', T0 + 6)).toEqual({ kind: 'stale', reason: 'transfer-pending' });
        await store.decline(id, transfer.transferOffer.offerId, 'a2', T0 + 7);
        expect(await invite(id, 'a3', T0 + 8)).toMatchObject({ kind: 'conference-offered' });
        const toB = { interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 9, offerTimeoutMs: TIMEOUT };
        expect(await store.offerTransfer(toB)).toEqual({ kind: 'stale', reason: 'invitation-pending' });
        expect(await store.transferToQueue(id, 'a1', T0 + 9)).toEqual({ kind: 'stale', reason: 'invitation-pending' });
        const invitation = (await store.getInteraction(id))?.conferenceOffer;
        await store.accept(id, invitation?.offerId ?? '', 'a3', T0 + 10);
        expect(await store.offerTransfer({ ...toB, offerId: newId(), now: T0 + 11 })).toEqual({ kind: 'stale', reason: 'in-conference' });
        expect(await store.transferToQueue(id, 'a1', T0 + 11)).toEqual({ kind: 'stale', reason: 'in-conference' });
        // Guests in and a second invitation pending: the transfer is refused for the conference (the port's order).
        expect(await invite(id, 'a2', T0 + 12, { maxAgents: 3 })).toMatchObject({ kind: 'conference-offered' });
        expect(await store.offerTransfer({ ...toB, toAgentId: 'a4', offerId: newId(), now: T0 + 13 })).toEqual({ kind: 'stale', reason: 'in-conference' });
        expect(await store.transferToQueue(id, 'a1', T0 + 13)).toEqual({ kind: 'stale', reason: 'in-conference' });
        await sound();
      });

      it('refuses an accept when the invitee has no room by then (target-full), leaving the invitation to its deadline', async () => {
        const id = await held();
        const invited = await invite(id, 'a2', T0 + 5);
        if (invited.kind !== 'conference-offered') throw new Error('expected conference-offered');
        await presence('a2', 'ready', T0 + 6, 1);
        await create(T0 + 7);
        await mustDispatch(T0 + 8);
        expect(await store.accept(id, invited.conferenceOffer.offerId, 'a2', T0 + 9)).toEqual({ kind: 'stale', reason: 'target-full' });
        expect(await store.getInteraction(id)).toMatchObject({ conferenceOffer: { toAgentId: 'a2' } });
        expect(await store.getAgent('a2')).toMatchObject({ load: 1 });
        await sound();
      });

      it('frees a guest who leaves; refuses the holder leaving without handing over, or to someone not a guest, and a stranger', async () => {
        const id = await held();
        await joined(id);
        const leave = (agentId: string, now: number, handOverTo?: string) =>
          store.leaveConference({ interactionId: id, agentId, now, ...(handOverTo === undefined ? {} : { handOverTo }) });
        expect(await leave('a1', T0 + 7)).toEqual({ kind: 'stale', reason: 'holder-must-hand-over' });
        expect(await leave('a1', T0 + 7, 'a3')).toEqual({ kind: 'stale', reason: 'not-in-conference' });
        expect(await leave('a3', T0 + 7)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        expect(await leave('a2', T0 + 7, 'a3')).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        await sound();
        const left = await leave('a2', T0 + 8);
        expect(left).toMatchObject({ kind: 'left', agentId: 'a2', interaction: { state: 'assigned', agentId: 'a1' } });
        expect((await store.getInteraction(id))?.conferenceAgentIds).toBeUndefined();
        expect(await store.getAgent('a2')).toMatchObject({ load: 0 });
        expect((await store.getAgentWork('a2'))?.interactions).toEqual([]);
        expect(await leave('a2', T0 + 9)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        await sound();
      });

      it('hands the interaction over to a guest: the guest becomes the holder, the old holder is freed and out', async () => {
        const id = await held('dm');
        await joined(id);
        const handed = await store.leaveConference({ interactionId: id, agentId: 'a1', handOverTo: 'a2', now: T0 + 7 });
        expect(handed).toMatchObject({ kind: 'handed-over', fromAgentId: 'a1', toAgentId: 'a2', interaction: { state: 'assigned', agentId: 'a2' } });
        expect((await store.getInteraction(id))?.conferenceAgentIds).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 0, loadByChannel: { public: 0, dm: 0 } });
        expect(await store.getAgent('a2')).toMatchObject({ load: 1, loadByChannel: { public: 0, dm: 1 } });
        expect((await store.getAgentWork('a1'))?.interactions).toEqual([]);
        expect(await store.complete(id, 'a1', T0 + 8)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        expect(await store.complete(id, 'a2', T0 + 8)).toMatchObject({ kind: 'completed' });
        await sound();
      });

      it("frees every guest's slot when the holder completes, listing them on the record; a guest may not complete", async () => {
        const id = await held();
        await joined(id, 'a2', T0 + 5, 3);
        await joined(id, 'a3', T0 + 7, 3);
        expect(await store.complete(id, 'a2', T0 + 9)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        const pending = await invite(id, 'a4', T0 + 9, { maxAgents: 4 });
        expect(pending).toEqual({ kind: 'refused', reason: 'unknown-agent' });
        const done = await store.complete(id, 'a1', T0 + 10);
        expect(done).toMatchObject({ kind: 'completed', interaction: { state: 'completed', conferenceAgentIds: ['a2', 'a3'] } });
        for (const agentId of ['a1', 'a2', 'a3']) {
          expect(await store.getAgent(agentId)).toMatchObject({ load: 0 });
          expect((await store.getAgentWork(agentId))?.interactions).toEqual([]);
        }
        await sound();
      });

      it('takes a guest going offline out of the conference (slot freed); the holder going offline keeps it with the guests', async () => {
        const id = await held();
        await joined(id);
        const offline = await presence('a2', 'offline', T0 + 7);
        expect(offline.leftConferences).toEqual([expect.objectContaining({ interactionId: id, agentId: 'a1' })]);
        expect(offline.heldByOfflineAgent).toBeUndefined();
        expect(offline).toMatchObject({ load: 0 });
        expect((await store.getInteraction(id))?.conferenceAgentIds).toBeUndefined();
        await sound();
        await presence('a2', 'ready', T0 + 8, 1);
        await joined(id, 'a2', T0 + 9);
        const holderOffline = await presence('a1', 'offline', T0 + 11);
        expect(holderOffline.heldByOfflineAgent).toEqual([id]);
        expect(holderOffline.leftConferences).toBeUndefined();
        expect(await store.getInteraction(id)).toMatchObject({ agentId: 'a1', conferenceAgentIds: ['a2'] });
        await sound();
      });

      it('lists a pending transfer offer and an invitation in the target\'s work, so a reload finds them', async () => {
        const id = await held();
        const transfer = await store.offerTransfer({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 5, offerTimeoutMs: TIMEOUT });
        if (transfer.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect((await store.getAgentWork('a2'))?.interactions).toEqual([expect.objectContaining({ interactionId: id, transferOffer: transfer.transferOffer })]);
        await sound();
        await store.decline(id, transfer.transferOffer.offerId, 'a2', T0 + 6);
        expect((await store.getAgentWork('a2'))?.interactions).toEqual([]);
        const invited = await invite(id, 'a3', T0 + 7);
        if (invited.kind !== 'conference-offered') throw new Error('expected conference-offered');
        expect((await store.getAgentWork('a3'))?.interactions).toEqual([expect.objectContaining({ interactionId: id, conferenceOffer: invited.conferenceOffer })]);
        // The target going offline keeps it waiting for its deadline; the holder completing drops it.
        await presence('a3', 'offline', T0 + 8);
        expect((await store.getAgentWork('a3'))?.interactions).toHaveLength(1);
        const done = await store.complete(id, 'a1', T0 + 9);
        expect(done.kind === 'completed' ? done.interaction.conferenceOffer : 'not completed').toBeUndefined();
        // The dropped invitation is named, so its invitee can be told.
        expect(done).toMatchObject({ droppedOffer: { kind: 'conference', toAgentId: 'a3', offerId: invited.conferenceOffer.offerId } });
        expect((await store.getInteraction(id))?.conferenceOffer).toBeUndefined();
        expect((await store.getAgentWork('a3'))?.interactions).toEqual([]);
        await sound();
      });

      it("keeps the transfer's reason and the invitation's note on the pending offer, read back until it is answered", async () => {
        const id = await held();
        const transfer = await store.offerTransfer({
          interactionId: id,
          fromAgentId: 'a1',
          toAgentId: 'a2',
          offerId: newId(),
          now: T0 + 5,
          offerTimeoutMs: TIMEOUT,
          reason: 'billing question',
        });
        expect(transfer).toMatchObject({ kind: 'transfer-offered', transferOffer: { reason: 'billing question' } });
        expect((await store.getInteraction(id))?.transferOffer).toMatchObject({ toAgentId: 'a2', reason: 'billing question' });
        expect((await store.getAgentWork('a2'))?.interactions[0]?.transferOffer?.reason).toBe('billing question');
        if (transfer.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        await store.decline(id, transfer.transferOffer.offerId, 'a2', T0 + 6);
        // An offer made without a reason carries none, not the previous one's.
        const bare = await store.offerTransfer({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 7, offerTimeoutMs: TIMEOUT });
        if (bare.kind !== 'transfer-offered') throw new Error('expected transfer-offered');
        expect((await store.getInteraction(id))?.transferOffer).not.toHaveProperty('reason');
        await store.decline(id, bare.transferOffer.offerId, 'a2', T0 + 8);

        const invited = await store.offerConference({
          interactionId: id,
          fromAgentId: 'a1',
          toAgentId: 'a3',
          offerId: newId(),
          now: T0 + 9,
          offerTimeoutMs: TIMEOUT,
          maxAgents: 2,
          reason: 'second opinion on the refund',
        });
        expect(invited).toMatchObject({ kind: 'conference-offered', conferenceOffer: { reason: 'second opinion on the refund' } });
        expect((await store.getAgentWork('a3'))?.interactions[0]?.conferenceOffer).toMatchObject({ toAgentId: 'a3', reason: 'second opinion on the refund' });
        if (invited.kind !== 'conference-offered') throw new Error('expected conference-offered');
        await store.accept(id, invited.conferenceOffer.offerId, 'a3', T0 + 10);
        expect((await store.getInteraction(id))?.conferenceOffer).toBeUndefined();
        await sound();
      });

      it('answers a redelivered accept of an invitation already-accepted, changing nothing; once the guest left, it is stale', async () => {
        const id = await held();
        const invited = await invite(id, 'a2', T0 + 5);
        if (invited.kind !== 'conference-offered') throw new Error('expected conference-offered');
        const offerId = invited.conferenceOffer.offerId;
        expect(await store.accept(id, offerId, 'a2', T0 + 6)).toMatchObject({ kind: 'accepted', conferenceJoined: true });
        const again = await store.accept(id, offerId, 'a2', T0 + 7);
        expect(again).toMatchObject({ kind: 'already-accepted', interaction: { agentId: 'a1', conferenceAgentIds: ['a2'] } });
        expect(again).not.toHaveProperty('conferenceJoined');
        expect(await store.getAgent('a2')).toMatchObject({ load: 1 });
        // Another agent naming the same invitation is not answered as its accept.
        expect(await store.accept(id, offerId, 'a3', T0 + 7)).toMatchObject({ kind: 'stale' });
        await sound();

        expect(await store.leaveConference({ interactionId: id, agentId: 'a2', now: T0 + 8 })).toMatchObject({ kind: 'left' });
        expect(await store.accept(id, offerId, 'a2', T0 + 9)).toMatchObject({ kind: 'stale' });
        expect(await store.getAgent('a2')).toMatchObject({ load: 0 });
        await sound();

        // Joined again and handed the interaction: its join, redelivered, is still answered (it holds it now).
        const rejoin = await invite(id, 'a2', T0 + 10);
        if (rejoin.kind !== 'conference-offered') throw new Error('expected conference-offered');
        await store.accept(id, rejoin.conferenceOffer.offerId, 'a2', T0 + 11);
        expect(await store.leaveConference({ interactionId: id, agentId: 'a1', handOverTo: 'a2', now: T0 + 12 })).toMatchObject({ kind: 'handed-over' });
        expect(await store.accept(id, rejoin.conferenceOffer.offerId, 'a2', T0 + 13)).toMatchObject({ kind: 'already-accepted', interaction: { agentId: 'a2' } });
        expect(await store.accept(id, rejoin.conferenceOffer.offerId, 'a1', T0 + 13)).toMatchObject({ kind: 'stale' });
        await sound();
      });
    });

    describe('sweepExpiredOffers', () => {
      it('requeues expired offers, sets the silent agent not-ready and leaves live offers alone', async () => {
        await presence('a1', 'ready', T0, 1);
        await presence('a2', 'ready', T0 + 1, 1);
        const early = await create(T0 + 2);
        const late = await create(T0 + 3);
        const first = await mustDispatch(T0 + 10);
        const second = await mustDispatch(T0 + 20);

        expect(await store.sweepExpiredOffers(first.expiresAt - 1, 10)).toEqual([]);
        const expired = await store.sweepExpiredOffers(first.expiresAt, 10);
        expect(expired).toHaveLength(1);
        expect(expired[0]).toMatchObject({
          offerId: first.offerId,
          agentId: 'a1',
          expiredAt: first.expiresAt,
          agentSetNotReady: true,
          interaction: { interactionId: early, state: 'queued', createdAt: T0 + 2, declinedBy: ['a1'] },
        });
        expect(await store.getAgent('a1')).toMatchObject({ state: 'not-ready', load: 0, stateSince: first.expiresAt });
        expect(await store.listAvailable(10)).toEqual([]);
        expect((await store.getInteraction(late))?.state).toBe('offered');
        expect(second.interactionId).toBe(late);
        expect(await store.queueDepth()).toBe(1);
      });

      it('moves a timed-out interaction on to the next ready agent', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.sweepExpiredOffers(offer.expiresAt, 10);
        await presence('a2', 'ready', offer.expiresAt + 1);
        await presence('a1', 'ready', offer.expiresAt + 2);
        const next = await mustDispatch(offer.expiresAt + 3);
        expect(next).toMatchObject({ interactionId: id, agentId: 'a2' });
      });

      it('sweeps at most `limit` offers, earliest deadline first', async () => {
        for (const agentId of ['a1', 'a2', 'a3']) await presence(agentId, 'ready', T0);
        for (let i = 0; i < 3; i += 1) await create(T0 + i);
        const offers: Offer[] = [];
        for (let i = 0; i < 3; i += 1) offers.push(await mustDispatch(T0 + 10 + i));
        const swept = await store.sweepExpiredOffers(T0 + 1_000_000, 2);
        expect(swept.map((e) => e.offerId)).toEqual([offers[0]?.offerId, offers[1]?.offerId]);
        expect((await store.sweepExpiredOffers(T0 + 1_000_000, 2)).map((e) => e.offerId)).toEqual([offers[2]?.offerId]);
      });

      it('does not sweep an accepted offer', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(id, offer.offerId, 'a1', T0 + 2);
        expect(await store.sweepExpiredOffers(offer.expiresAt + 1, 10)).toEqual([]);
        expect((await store.getInteraction(id))?.state).toBe('assigned');
      });

      // Issue 10: going offline withdraws offers at once (it used to leave them to time out, and then said offline).
      it('has nothing to sweep once an agent went offline: its offers were withdrawn then, and it stays offline', async () => {
        await presence('a1', 'ready', T0);
        await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await presence('a1', 'offline', T0 + 2);
        expect(await store.sweepExpiredOffers(offer.expiresAt, 10)).toEqual([]);
        expect(await store.getAgent('a1')).toMatchObject({ state: 'offline', load: 0 });
      });
    });

    describe('presence: reasons, wrap-up, missed offers and going offline', () => {
      const WRAP = 30_000;

      /** The adapter's own audit (Redis: every index, the held and wrap-up ones included) finds nothing. */
      const expectSound = async (): Promise<void> => {
        expect((await harness.violations?.()) ?? []).toEqual([]);
      };

      /** a1 ready (capacity `capacity`) holding `n` interactions, all accepted; returns their ids. */
      const assignedTo = async (agentId: string, n: number, now: number, capacity = n): Promise<string[]> => {
        await presence(agentId, 'ready', now, capacity);
        const ids: string[] = [];
        for (let i = 0; i < n; i += 1) {
          await create(now + i);
          const offer = await mustDispatch(now + 10 + i);
          await store.accept(offer.interactionId, offer.offerId, agentId, now + 20 + i);
          ids.push(offer.interactionId);
        }
        return ids;
      };

      it('sets not-ready with a reason; a new reason restarts the time in state, ready clears it', async () => {
        await presence('a1', 'ready', T0);
        expect(await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'break', now: T0 + 1 })).toMatchObject({
          state: 'not-ready',
          reason: 'break',
          stateSince: T0 + 1,
        });
        expect(await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'break', now: T0 + 2 })).toMatchObject({ stateSince: T0 + 1 });
        expect(await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'meeting', now: T0 + 3 })).toMatchObject({
          reason: 'meeting',
          stateSince: T0 + 3,
        });
        const ready = await presence('a1', 'ready', T0 + 4);
        expect(ready).toMatchObject({ state: 'ready', stateSince: T0 + 4, idleSince: T0 + 4 });
        expect(ready).not.toHaveProperty('reason');
        await expectSound();
      });

      it('refuses a reason with ready or offline, and wrap-up as a presence, changing nothing', async () => {
        await presence('a1', 'ready', T0);
        await expect(store.setPresence({ agentId: 'a1', state: 'ready', reason: 'break', now: T0 + 1 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(store.setPresence({ agentId: 'a1', state: 'offline', reason: 'break', now: T0 + 1 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(store.setPresence({ agentId: 'a1', state: 'wrap-up', now: T0 + 1 })).rejects.toBeInstanceOf(ValidationFailedError);
        expect(await store.getAgent('a1')).toMatchObject({ state: 'ready', stateSince: T0 });
      });

      it('sets the silent agent not-ready with reason missed-offer when its offer times out, and says so', async () => {
        await presence('a1', 'ready', T0);
        await create(T0);
        const offer = await mustDispatch(T0 + 1);
        const [expired] = await store.sweepExpiredOffers(offer.expiresAt, 10);
        expect(expired?.agentSetNotReady).toBe(true);
        expect(expired?.presenceChange).toMatchObject({ agentId: 'a1', state: 'not-ready', reason: 'missed-offer', stateSince: offer.expiresAt, load: 0 });
        expect(await store.getAgent('a1')).toEqual(expired?.presenceChange);
        await expectSound();
      });

      it("keeps a not-ready agent's own reason when its offer times out", async () => {
        await presence('a1', 'ready', T0);
        await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'break', now: T0 + 2 });
        const [expired] = await store.sweepExpiredOffers(offer.expiresAt, 10);
        expect(expired?.agentSetNotReady).toBe(false);
        expect(expired).not.toHaveProperty('presenceChange');
        expect(await store.getAgent('a1')).toMatchObject({ state: 'not-ready', reason: 'break', stateSince: T0 + 2 });
      });

      it('puts a ready agent in wrap-up when it completes: no offers until the wrap-up time ends, then ready again', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [id] = await assignedTo('a1', 1, T0);
        const done = await store.complete(id ?? '', 'a1', T0 + 100);
        expect(done).toMatchObject({
          kind: 'completed',
          presenceChange: { agentId: 'a1', state: 'wrap-up', stateSince: T0 + 100, wrapUpUntil: T0 + 100 + WRAP, load: 0 },
        });
        expect(await store.listAvailable(10)).toEqual([]);
        const next = await create(T0 + 101);
        expect(await dispatch(T0 + 102)).toBeUndefined();
        await expectSound();
        expect(await store.endWrapUps(T0 + 99 + WRAP, 10)).toEqual([]);
        const [ready] = await store.endWrapUps(T0 + 100 + WRAP, 10);
        expect(ready).toMatchObject({ agentId: 'a1', state: 'ready', stateSince: T0 + 100 + WRAP, idleSince: T0 + 100 + WRAP });
        expect(ready).not.toHaveProperty('wrapUpUntil');
        expect(await mustDispatch(T0 + 101 + WRAP)).toMatchObject({ interactionId: next, agentId: 'a1' });
        await expectSound();
      });

      it('ends wrap-up early when the agent says ready or not-ready; the timer then finds nothing', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [first, second] = await assignedTo('a1', 2, T0);
        await store.complete(first ?? '', 'a1', T0 + 100);
        const ready = await presence('a1', 'ready', T0 + 200);
        expect(ready).toMatchObject({ state: 'ready', stateSince: T0 + 200, idleSince: T0 + 200 });
        expect(ready).not.toHaveProperty('wrapUpUntil');
        await store.complete(second ?? '', 'a1', T0 + 300);
        expect(await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'meeting', now: T0 + 400 })).toMatchObject({
          state: 'not-ready',
          reason: 'meeting',
        });
        expect(await store.endWrapUps(T0 + 1_000 + WRAP, 10)).toEqual([]);
        expect(await store.getAgent('a1')).toMatchObject({ state: 'not-ready', reason: 'meeting' });
        await expectSound();
      });

      it('restarts the wrap-up clock when another interaction completes during it, keeping the time in state', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [first, second] = await assignedTo('a1', 2, T0);
        await store.complete(first ?? '', 'a1', T0 + 100);
        const again = await store.complete(second ?? '', 'a1', T0 + 5_000);
        expect(again).toMatchObject({ presenceChange: { state: 'wrap-up', stateSince: T0 + 100, wrapUpUntil: T0 + 5_000 + WRAP } });
        expect(await store.endWrapUps(T0 + 100 + WRAP, 10)).toEqual([]);
        expect(await store.endWrapUps(T0 + 5_000 + WRAP, 10)).toHaveLength(1);
        await expectSound();
      });

      it('leaves a not-ready agent as it is when it completes, and makes no wrap-up without a wrap-up time', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [id] = await assignedTo('a1', 1, T0);
        await store.setPresence({ agentId: 'a1', state: 'not-ready', reason: 'break', now: T0 + 50 });
        const done = await store.complete(id ?? '', 'a1', T0 + 100);
        expect(done).not.toHaveProperty('presenceChange');
        expect(await store.getAgent('a1')).toMatchObject({ state: 'not-ready', reason: 'break', stateSince: T0 + 50 });

        await reopen({});
        const [plain] = await assignedTo('a2', 1, T0);
        expect(await store.complete(plain ?? '', 'a2', T0 + 100)).not.toHaveProperty('presenceChange');
        expect(await store.getAgent('a2')).toMatchObject({ state: 'ready', idleSince: T0 + 100 });
      });

      it('sets an agent in wrap-up not-ready (missed-offer) when an offer made before the wrap-up times out', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [held] = await assignedTo('a1', 1, T0, 2);
        await create(T0 + 50);
        const pending = await mustDispatch(T0 + 60);
        await store.complete(held ?? '', 'a1', T0 + 100);
        const [expired] = await store.sweepExpiredOffers(pending.expiresAt, 10);
        expect(expired?.presenceChange).toMatchObject({ state: 'not-ready', reason: 'missed-offer', stateSince: pending.expiresAt });
        expect(expired?.presenceChange).not.toHaveProperty('wrapUpUntil');
        expect(await store.endWrapUps(T0 + 100 + WRAP, 10)).toEqual([]);
        await expectSound();
      });

      it("withdraws an offline agent's offers at once (queued again for others, no decline remembered) and keeps its assigned work", async () => {
        const [assigned] = await assignedTo('a1', 1, T0, 3);
        const waiting = await create(T0 + 50);
        const offer = await mustDispatch(T0 + 60);
        expect(offer).toMatchObject({ interactionId: waiting, agentId: 'a1' });
        const offline = await presence('a1', 'offline', T0 + 70);
        expect(offline).toMatchObject({ state: 'offline', load: 1, heldByOfflineAgent: [assigned] });
        expect(offline.withdrawnOffers).toEqual([
          { offerId: offer.offerId, agentId: 'a1', interaction: expect.objectContaining({ interactionId: waiting, state: 'queued', declinedBy: [] }) },
        ]);
        expect(await store.getInteraction(assigned ?? '')).toMatchObject({ state: 'assigned', agentId: 'a1' });
        expect(await store.accept(waiting, offer.offerId, 'a1', T0 + 71)).toEqual({ kind: 'stale', reason: 'not-offered' });
        await presence('a2', 'ready', T0 + 80);
        expect(await mustDispatch(T0 + 81)).toMatchObject({ interactionId: waiting, agentId: 'a2' });
        // Back on duty, nothing of it was remembered as a decline.
        expect((await store.getInteraction(waiting))?.declinedBy).toEqual([]);
        await expectSound();
      });

      it('says nothing was withdrawn or held when an agent with no work goes offline, and ends its wrap-up', async () => {
        await reopen({ wrapUpMs: WRAP });
        const [id] = await assignedTo('a1', 1, T0);
        await store.complete(id ?? '', 'a1', T0 + 100);
        const offline = await presence('a1', 'offline', T0 + 200);
        expect(offline).toMatchObject({ state: 'offline', stateSince: T0 + 200, load: 0 });
        expect(offline).not.toHaveProperty('withdrawnOffers');
        expect(offline).not.toHaveProperty('heldByOfflineAgent');
        expect(offline).not.toHaveProperty('wrapUpUntil');
        expect(await store.endWrapUps(T0 + 100 + WRAP, 10)).toEqual([]);
        await expectSound();
      });

      it('reads an agent with what it holds (offers and assigned work) in one step', async () => {
        expect(await store.getAgentWork('nobody')).toBeUndefined();
        const [assigned] = await assignedTo('a1', 1, T0, 3);
        const waiting = await create(T0 + 50);
        const offer = await mustDispatch(T0 + 60);
        const work = await store.getAgentWork('a1');
        expect(work?.agent).toMatchObject({ agentId: 'a1', state: 'ready', load: 2 });
        expect(work?.interactions.map((ix) => [ix.interactionId, ix.state, ix.offerId])).toEqual(
          [
            [assigned, 'assigned', expect.any(String)],
            [waiting, 'offered', offer.offerId],
          ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
        );
        await store.decline(waiting, offer.offerId, 'a1', T0 + 70);
        await store.complete(assigned ?? '', 'a1', T0 + 80);
        expect(await store.getAgentWork('a1')).toMatchObject({ agent: { load: 0 }, interactions: [] });
        await expectSound();
      });

      it('ends due wrap-ups earliest first, at most `limit` per call', async () => {
        await reopen({ wrapUpMs: WRAP });
        for (const [i, agentId] of ['a1', 'a2', 'a3'].entries()) {
          const [id] = await assignedTo(agentId, 1, T0 + 1_000 * i);
          await store.complete(id ?? '', agentId, T0 + 10_000 - i);
        }
        expect((await store.endWrapUps(T0 + 20_000 + WRAP, 2)).map((a) => a.agentId)).toEqual(['a3', 'a2']);
        expect((await store.endWrapUps(T0 + 20_000 + WRAP, 2)).map((a) => a.agentId)).toEqual(['a1']);
      });

      it('refuses a wrap-up time outside 0..1 h', async () => {
        await expect(reopen({ wrapUpMs: -1 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(reopen({ wrapUpMs: 60 * 60 * 1000 + 1 })).rejects.toBeInstanceOf(ValidationFailedError);
      });
    });

    describe('replies', () => {
      // The Redis scripts build these replies from what they read and wrote rather than reading the record again.
      const asStored = async (id: string): Promise<InteractionRecord> => {
        const stored = await store.getInteraction(id);
        if (!stored) throw new Error(`no record of ${id}`);
        return stored;
      };

      it('hands back each change\'s interaction exactly as it is then stored: created, offered, accepted, completed', async () => {
        await presence('a1', 'ready', T0, 2, ['billing=3']);
        const created = await store.upsertInteraction(
          upsertInput(T0, { priority: 3, requiredSkill: 'billing', requiredLevel: 2, widen: { afterMs: 60_000, to: '' }, message: inboundMessage({ kind: 'dm' }) }),
        );
        if (created.kind !== 'created') throw new Error(`expected created, got ${created.kind}`);
        const id = created.interaction.interactionId;
        expect(created.interaction).toEqual(await asStored(id));
        const offer = await mustDispatch(T0 + 1);
        expect(offer.interaction).toEqual(await asStored(id));
        const accepted = await store.accept(id, offer.offerId, 'a1', T0 + 2);
        if (accepted.kind !== 'accepted') throw new Error(`expected accepted, got ${accepted.kind}`);
        expect(accepted.interaction).toEqual(await asStored(id));
        const again = await store.accept(id, offer.offerId, 'a1', T0 + 3);
        if (again.kind !== 'already-accepted') throw new Error(`expected already-accepted, got ${again.kind}`);
        expect(again.interaction).toEqual(await asStored(id));
        const completed = await store.complete(id, 'a1', T0 + 4);
        if (completed.kind !== 'completed') throw new Error(`expected completed, got ${completed.kind}`);
        expect(completed.interaction).toEqual(await asStored(id));
        const redelivered = await store.complete(id, 'a1', T0 + 5);
        if (redelivered.kind !== 'already-completed') throw new Error(`expected already-completed, got ${redelivered.kind}`);
        expect(redelivered.interaction).toEqual(await asStored(id));
      });

      it.each(['transfer', 'invitation'] as const)('hands back a completed interaction without the pending %s it dropped, as stored', async (pending) => {
        await presence('a1', 'ready', T0, 2);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(id, offer.offerId, 'a1', T0 + 2);
        await presence('a2', 'ready', T0 + 3, 1);
        const offered =
          pending === 'transfer'
            ? await store.offerTransfer({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 4, offerTimeoutMs: TIMEOUT, reason: 'billing' })
            : await store.offerConference({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 4, offerTimeoutMs: TIMEOUT, maxAgents: 2, reason: 'help' });
        expect(offered.kind).toBe(pending === 'transfer' ? 'transfer-offered' : 'conference-offered');
        const completed = await store.complete(id, 'a1', T0 + 5);
        if (completed.kind !== 'completed') throw new Error(`expected completed, got ${completed.kind}`);
        expect(completed.interaction.transferOffer).toBeUndefined();
        expect(completed.interaction.conferenceOffer).toBeUndefined();
        expect(completed.interaction).toEqual(await asStored(id));
      });

      it('hands back a conference\'s interaction as stored when a guest joins and when it completes with the guest', async () => {
        await presence('a1', 'ready', T0, 2);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(id, offer.offerId, 'a1', T0 + 2);
        await presence('a2', 'ready', T0 + 3, 1);
        const invited = await store.offerConference({ interactionId: id, fromAgentId: 'a1', toAgentId: 'a2', offerId: newId(), now: T0 + 4, offerTimeoutMs: TIMEOUT, maxAgents: 2 });
        if (invited.kind !== 'conference-offered') throw new Error(`expected conference-offered, got ${invited.kind}`);
        const joined = await store.accept(id, invited.conferenceOffer.offerId, 'a2', T0 + 5);
        if (joined.kind !== 'accepted') throw new Error(`expected accepted, got ${joined.kind}`);
        expect(joined.interaction).toEqual(await asStored(id));
        const completed = await store.complete(id, 'a1', T0 + 6);
        if (completed.kind !== 'completed') throw new Error(`expected completed, got ${completed.kind}`);
        expect(completed.interaction.conferenceAgentIds).toEqual(['a2']);
        expect(completed.interaction).toEqual(await asStored(id));
      });
    });

    describe('complete', () => {
      it('ends the interaction, frees the agent and opens a new interaction on the next message', async () => {
        await presence('a1', 'ready', T0);
        const first = upsertInput(T0);
        await store.upsertInteraction(first);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(offer.interactionId, offer.offerId, 'a1', T0 + 2);

        const result = await store.complete(offer.interactionId, 'a1', T0 + 3);
        expect(result).toMatchObject({
          kind: 'completed',
          interaction: { state: 'completed', completedAt: T0 + 3, agentId: 'a1' },
        });
        expect(await store.getAgent('a1')).toMatchObject({ load: 0, idleSince: T0 + 3 });
        expect(await store.getInteraction(offer.interactionId)).toMatchObject({
          state: 'completed',
          correlationId: first.correlationId,
          firstMessage: first.message,
        });

        const next = await store.upsertInteraction(
          upsertInput(T0 + 4, { message: inboundMessage({ conversationKey: first.message.conversationKey }) }),
        );
        expect(next.kind).toBe('created');
        if (next.kind === 'created') expect(next.interaction.interactionId).not.toBe(offer.interactionId);
      });

      it('refuses to complete what is not assigned to that agent', async () => {
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        expect(await store.complete(id, 'a1', T0 + 1)).toEqual({ kind: 'stale', reason: 'not-assigned' });
        const offer = await mustDispatch(T0 + 2);
        expect(await store.complete(id, 'a1', T0 + 3)).toEqual({ kind: 'stale', reason: 'not-assigned' });
        await store.accept(id, offer.offerId, 'a1', T0 + 4);
        expect(await store.complete(id, 'a2', T0 + 5)).toEqual({ kind: 'stale', reason: 'not-your-interaction' });
        await store.complete(id, 'a1', T0 + 6);
        expect(await store.complete(id, 'a2', T0 + 7)).toEqual({ kind: 'stale', reason: 'already-completed' });
        // The same agent again is a redelivery: the completed record comes back, and nothing changes.
        expect(await store.complete(id, 'a1', T0 + 7)).toMatchObject({
          kind: 'already-completed',
          interaction: { interactionId: id, state: 'completed', agentId: 'a1', completedAt: T0 + 6 },
        });
        expect(await store.complete(newId(), 'a1', T0 + 8)).toEqual({ kind: 'stale', reason: 'unknown-interaction' });
        expect(await store.getAgent('a1')).toMatchObject({ load: 0 });
      });

      it('keeps a not-ready agent out of the available set when it completes', async () => {
        await presence('a1', 'ready', T0, 2);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.accept(id, offer.offerId, 'a1', T0 + 2);
        await presence('a1', 'not-ready', T0 + 3);
        await store.complete(id, 'a1', T0 + 4);
        expect(await store.getAgent('a1')).toMatchObject({ load: 0, state: 'not-ready' });
        expect(await store.listAvailable(10)).toEqual([]);
      });
    });

    describe('fair dispatch', () => {
      const MEMORY = 60_000;
      const STEP = 60_000;

      const offerAndDecline = async (now: number): Promise<Offer> => {
        const offer = await mustDispatch(now);
        const result = await store.decline(offer.interactionId, offer.offerId, offer.agentId, now + 1);
        if (result.kind !== 'declined') throw new Error(`expected declined, got ${result.kind}`);
        return offer;
      };

      it('remembers a decline for the decline memory only, then offers the interaction to that agent again', async () => {
        await reopen({ declineMemoryMs: MEMORY });
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        await offerAndDecline(T0 + 1);
        expect(await store.getInteraction(id)).toMatchObject({ declinedBy: ['a1'], declinedUntil: { a1: T0 + 2 + MEMORY } });
        expect(await dispatch(T0 + 3)).toBeUndefined();
        expect(await dispatch(T0 + 1 + MEMORY)).toBeUndefined();
        expect(await mustDispatch(T0 + 2 + MEMORY)).toMatchObject({ interactionId: id, agentId: 'a1' });
      });

      it('remembers an offer timeout the same bounded time, once the silent agent is ready again', async () => {
        await reopen({ declineMemoryMs: MEMORY });
        await presence('a1', 'ready', T0);
        const id = await create(T0);
        const offer = await mustDispatch(T0 + 1);
        await store.sweepExpiredOffers(offer.expiresAt, 10);
        await presence('a1', 'ready', offer.expiresAt + 1);
        expect(await dispatch(offer.expiresAt + 2)).toBeUndefined();
        expect(await mustDispatch(offer.expiresAt + MEMORY)).toMatchObject({ interactionId: id, agentId: 'a1' });
      });

      it('drops forgotten declines when the interaction is declined again', async () => {
        await reopen({ declineMemoryMs: MEMORY });
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        const id = await create(T0 + 2);
        await offerAndDecline(T0 + 3); // a1
        await presence('a1', 'not-ready', T0 + 5);
        await offerAndDecline(T0 + 10 + MEMORY); // a2, after a1's decline was forgotten
        expect(await store.getInteraction(id)).toMatchObject({ declinedBy: ['a2'], declinedUntil: { a2: T0 + 11 + 2 * MEMORY } });
      });

      it('finds work for a free agent behind any number of heads it declined (no scan window)', async () => {
        await presence('a1', 'ready', T0);
        for (let i = 0; i < 60; i += 1) await create(T0 + i);
        for (let i = 0; i < 60; i += 1) await offerAndDecline(T0 + 100 + 2 * i);
        const last = await create(T0 + 300);
        expect(await mustDispatch(T0 + 301)).toMatchObject({ interactionId: last, agentId: 'a1' });
      });

      it('finds a free agent behind any number of idle agents who declined the interaction', async () => {
        for (let i = 0; i < 60; i += 1) await presence(`a${String(i).padStart(2, '0')}`, 'ready', T0 + i);
        const id = await create(T0 + 100);
        const decliners = new Set<string>();
        for (let i = 0; i < 60; i += 1) decliners.add((await offerAndDecline(T0 + 200 + 2 * i)).agentId);
        expect(decliners.size).toBe(60);
        expect(await dispatch(T0 + 400)).toBeUndefined();
        await presence('late', 'ready', T0 + 401);
        expect(await mustDispatch(T0 + 402)).toMatchObject({ interactionId: id, agentId: 'late' });
      });

      it('finds work behind any number of heads needing a skill no available agent has', async () => {
        for (let i = 0; i < 100; i += 1) await create(T0 + i, 3, 'spanish');
        const plain = await create(T0 + 200, 0);
        await presence('a1', 'ready', T0 + 201);
        expect(await mustDispatch(T0 + 202)).toMatchObject({ interactionId: plain, agentId: 'a1' });
        await presence('es', 'ready', T0 + 203, 1, ['spanish']);
        expect((await mustDispatch(T0 + 204)).agentId).toBe('es');
        expect(await store.queueDepth()).toBe(99);
      });

      it('ages: one aging step of waiting is worth one priority level (score = createdAt - priority * step)', async () => {
        await reopen({ agingStepMs: STEP });
        const low = await create(T0, 0); // score T0
        const late = await create(T0 + STEP + 1, 1); // T0 + 1: arrived more than a step later, served after
        const soon = await create(T0 + STEP - 1, 1); // T0 - 1: arrived less than a step later, served before
        const urgent = await create(T0 + 3 * STEP - 2, 3); // T0 - 2
        await presence('a1', 'ready', T0 + 3 * STEP, 4);
        const order: string[] = [];
        for (let i = 0; i < 4; i += 1) order.push((await mustDispatch(T0 + 3 * STEP + 1 + i)).interactionId);
        expect(order).toEqual([urgent, soon, low, late]);
      });

      it('never lets a stream of more urgent work starve an old interaction', async () => {
        await reopen({ agingStepMs: 10_000 });
        const old = await create(T0, 0);
        await presence('a1', 'ready', T0);
        let servedAt: number | undefined;
        for (let k = 1; k <= 40 && servedAt === undefined; k += 1) {
          const now = T0 + k * 1_000 + 1;
          await create(now, 3);
          const offer = await mustDispatch(now + 1);
          if (offer.interactionId === old) servedAt = now;
          await store.accept(offer.interactionId, offer.offerId, 'a1', now + 2);
          await store.complete(offer.interactionId, 'a1', now + 3);
        }
        // Priority 0 against a fresh 3 every second: served as soon as it has waited 3 steps (30 s), not never.
        expect(servedAt).toBe(T0 + 30_001);
      });

      it('opens an interaction every signed-in eligible agent declined to the overflow skill, never stranding it', async () => {
        await reopen({ declineMemoryMs: MEMORY, overflowSkill: 'tier2' });
        await presence('a1', 'ready', T0, 1, ['billing']);
        await presence('a2', 'ready', T0 + 1, 1, ['billing']);
        await presence('sup', 'ready', T0 + 2, 1, ['tier2']);
        const id = await create(T0 + 3, 1, 'billing');
        await offerAndDecline(T0 + 4); // a1
        expect((await store.getInteraction(id))?.overflowSkill).toBeUndefined();
        await offerAndDecline(T0 + 6); // a2: now everyone eligible declined
        expect(await store.getInteraction(id)).toMatchObject({ requiredSkill: 'billing', overflowSkill: 'tier2', overflowedAt: T0 + 7 });
        await offerAndDecline(T0 + 8); // sup
        expect(await dispatch(T0 + 10)).toBeUndefined();
        // Nobody is asked again while remembered; then the longest-idle of them is.
        expect(await mustDispatch(T0 + 5 + MEMORY)).toMatchObject({ interactionId: id, agentId: 'a1' });
      });

      it('does not overflow while a signed-in eligible agent has not declined', async () => {
        await reopen({ overflowSkill: 'tier2' });
        await presence('a1', 'ready', T0, 1, ['billing']);
        await presence('a3', 'not-ready', T0, 1, ['billing']);
        await presence('sup', 'ready', T0 + 2, 1, ['tier2']);
        const id = await create(T0 + 3, 1, 'billing');
        await offerAndDecline(T0 + 4);
        expect((await store.getInteraction(id))?.overflowSkill).toBeUndefined();
        expect(await dispatch(T0 + 6)).toBeUndefined();
        // An offline agent is not waited for.
        await presence('a3', 'offline', T0 + 7);
        await presence('a1', 'ready', T0 + 8);
        expect(await dispatch(T0 + 9)).toBeUndefined();
      });
    });

    describe('capacity per channel', () => {
      const byChannel = (agentId: string, now: number, limits: ChannelCounts, capacity?: number) =>
        store.setPresence({ agentId, state: 'ready', now, capacityByChannel: limits, ...(capacity === undefined ? {} : { capacity }) });

      it('keeps separate limits for public conversations and DMs', async () => {
        const agent = await byChannel('a1', T0, { public: 1, dm: 1 });
        expect(agent).toMatchObject({ capacity: 2, load: 0, capacityByChannel: { public: 1, dm: 1 }, loadByChannel: { public: 0, dm: 0 } });
        const p1 = await create(T0 + 1);
        const p2 = await create(T0 + 2);
        const d1 = await create(T0 + 3, 1, undefined, 'dm');
        const first = await mustDispatch(T0 + 4);
        expect(first).toMatchObject({ interactionId: p1, agentId: 'a1' });
        // Public is full; the DM behind the second public conversation still goes out.
        expect(await mustDispatch(T0 + 5)).toMatchObject({ interactionId: d1, agentId: 'a1' });
        expect(await dispatch(T0 + 6)).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 2, loadByChannel: { public: 1, dm: 1 } });
        await store.accept(p1, first.offerId, 'a1', T0 + 7);
        await store.complete(p1, 'a1', T0 + 8);
        expect(await store.getAgent('a1')).toMatchObject({ load: 1, loadByChannel: { public: 0, dm: 1 } });
        expect(await mustDispatch(T0 + 9)).toMatchObject({ interactionId: p2, agentId: 'a1' });
      });

      it('with a single capacity, counts both channels together as before', async () => {
        await presence('a1', 'ready', T0, 1);
        await create(T0 + 1);
        await create(T0 + 2, 1, undefined, 'dm');
        expect(await mustDispatch(T0 + 3)).toMatchObject({ agentId: 'a1' });
        expect(await dispatch(T0 + 4)).toBeUndefined();
        expect(await store.getAgent('a1')).not.toHaveProperty('capacityByChannel');
      });

      it('caps the sum with the capacity when both are given, and derives it from the channels otherwise', async () => {
        expect(await byChannel('a1', T0, { public: 2, dm: 2 }, 3)).toMatchObject({ capacity: 3 });
        expect(await byChannel('a2', T0, { public: 3, dm: 2 })).toMatchObject({ capacity: 5 });
        expect(await byChannel('a3', T0, { public: 1, dm: 1 }, 10)).toMatchObject({ capacity: 2 });
        for (let i = 0; i < 3; i += 1) await create(T0 + 1 + i);
        await create(T0 + 4, 1, undefined, 'dm');
        await presence('a2', 'offline', T0 + 5);
        await presence('a3', 'offline', T0 + 5);
        for (let i = 0; i < 3; i += 1) expect((await mustDispatch(T0 + 6 + i)).agentId).toBe('a1');
        expect(await dispatch(T0 + 9)).toBeUndefined();
        expect(await store.getAgent('a1')).toMatchObject({ load: 3, loadByChannel: { public: 2, dm: 1 } });
      });

      it('keeps the channel limits when presence omits limits, and drops them when a single capacity is given again', async () => {
        await byChannel('a1', T0, { public: 3, dm: 2 });
        expect(await presence('a1', 'not-ready', T0 + 1)).toMatchObject({ capacity: 5, capacityByChannel: { public: 3, dm: 2 } });
        const plain = await presence('a1', 'ready', T0 + 2, 4);
        expect(plain.capacity).toBe(4);
        expect(plain).not.toHaveProperty('capacityByChannel');
      });

      it('keeps DMs away from an agent whose DM limit is 0', async () => {
        await byChannel('a1', T0, { public: 2, dm: 0 });
        await create(T0 + 1, 1, undefined, 'dm');
        expect(await dispatch(T0 + 2)).toBeUndefined();
        const p1 = await create(T0 + 3);
        expect(await mustDispatch(T0 + 4)).toMatchObject({ interactionId: p1 });
      });

      it('refuses channel limits outside 0..50 or holding nothing', async () => {
        await expect(byChannel('a1', T0, { public: 51, dm: 1 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(byChannel('a1', T0, { public: 1, dm: -1 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(byChannel('a1', T0, { public: 0, dm: 0 })).rejects.toBeInstanceOf(ValidationFailedError);
        expect(await store.getAgent('a1')).toBeUndefined();
      });
    });
  });
}
