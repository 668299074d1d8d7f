import { newId } from '@perch/platform';

import { type RecordedChange, type RoutingChange } from '../outbox/routing-change.types';
import { type RoutingStore } from '../store/routing-store.port';
import { inboundMessage, upsertInput } from './routing.fixtures';
import { type RoutingStoreFactory, type RoutingStoreHarness } from './routing-store.contract';

const T0 = 1_700_000_000_000;
const TIMEOUT = 30_000;

/**
 * The transactional outbox every RoutingStore keeps: each change recorded by the call that makes it, with its input and
 * trace, read back exactly as the caller saw it, each taken by one relay at a time and given to another when the
 * first never acknowledges it.
 */
export function describeRoutingOutboxContract(name: string, factory: RoutingStoreFactory): void {
  describe(`RoutingStore outbox contract: ${name}`, () => {
    let harness: RoutingStoreHarness;
    let store: RoutingStore;

    beforeEach(async () => {
      harness = await factory({ wrapUpMs: 5_000 });
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    const takeAll = async (relayId = 'relay-a'): Promise<RecordedChange[]> => store.claimChanges({ relayId, limit: 1_000 });
    const ops = (changes: readonly RecordedChange[]): string[] => changes.map((c) => c.change.op);

    it('records every change with its trace, in the order made, and reads each back exactly as its caller saw it', async () => {
      const seen: RoutingChange[] = [];
      const presence = await store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now: T0 }, { causationId: 'c1', cause: 'agent' });
      seen.push({ op: 'presence', input: { agentId: 'ada', state: 'ready', capacity: 2, now: T0 }, result: presence });
      const first = upsertInput(T0 + 1, { message: inboundMessage({ conversationKey: 'conv-1' }) });
      const created = await store.upsertInteraction(first, { causationId: 'c2' });
      if (created.kind !== 'created') throw new Error('expected created');
      seen.push({ op: 'upsert', input: first, result: created });
      const offer = await store.dispatch(T0 + 2, TIMEOUT, 'offer-1', { causationId: 'c2' });
      if (!offer) throw new Error('expected an offer');
      seen.push({ op: 'dispatch', input: { now: T0 + 2, offerTimeoutMs: TIMEOUT, newOfferId: 'offer-1' }, result: offer });
      const accepted = await store.accept(offer.interactionId, offer.offerId, 'ada', T0 + 3, { causationId: 'c3' });
      if (accepted.kind !== 'accepted') throw new Error('expected accepted');
      seen.push({ op: 'accept', input: { interactionId: offer.interactionId, offerId: offer.offerId, agentId: 'ada', now: T0 + 3 }, result: accepted });
      const followUp = upsertInput(T0 + 4, { message: inboundMessage({ conversationKey: 'conv-1' }) });
      const appended = await store.upsertInteraction(followUp, { causationId: 'c4' });
      if (appended.kind !== 'appended') throw new Error('expected appended');
      seen.push({ op: 'upsert', input: followUp, result: appended });
      const completed = await store.complete(offer.interactionId, 'ada', T0 + 5, { disposition: 'resolved', note: 'refund sent' });
      if (completed.kind !== 'completed') throw new Error('expected completed');
      seen.push({ op: 'complete', input: { interactionId: offer.interactionId, agentId: 'ada', now: T0 + 5 }, result: completed });
      const wrapUpsEnded = await store.endWrapUps(T0 + 10_000, 10);
      seen.push({ op: 'end-wrap-ups', input: { now: T0 + 10_000, limit: 10 }, result: wrapUpsEnded });

      const changes = await takeAll();
      expect(changes.map((c) => c.change)).toEqual(seen);
      expect(changes[0]?.trace).toEqual({ causationId: 'c1', cause: 'agent' });
      expect(changes[5]?.trace).toEqual({ disposition: 'resolved', note: 'refund sent' });
      // Wrap-up was on: the completion moved the agent into it, and the sweep brought it back.
      expect(completed.presenceChange?.state).toBe('wrap-up');
      expect(wrapUpsEnded.map((agent) => agent.state)).toEqual(['ready']);
    });

    it('records declines, timeouts, transfers and withdrawals as the caller saw them', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
      await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 1 });
      await store.upsertInteraction(upsertInput(T0 + 2, { message: inboundMessage({ conversationKey: 'conv-a' }) }));
      const offer = await store.dispatch(T0 + 3, TIMEOUT, 'offer-a');
      if (!offer) throw new Error('expected an offer');
      await store.ackChanges((await takeAll()).map((c) => c.id));

      const declined = await store.decline(offer.interactionId, offer.offerId, offer.agentId, T0 + 4, { reason: 'not my brand' });
      const again = await store.dispatch(T0 + 5, TIMEOUT, 'offer-b');
      if (!again) throw new Error('expected a second offer');
      const expired = await store.sweepExpiredOffers(T0 + 5 + TIMEOUT, 10);
      // Both remember the interaction (a decline, a timeout): a third agent takes it.
      const cy = await store.setPresence({ agentId: 'cy', state: 'ready', now: T0 + 6 + TIMEOUT });
      const third = await store.dispatch(T0 + 6 + TIMEOUT, TIMEOUT, 'offer-c');
      if (!third) throw new Error('expected a third offer');
      const offline = await store.setPresence({ agentId: third.agentId, state: 'offline', now: T0 + 7 + TIMEOUT });

      const changes = await takeAll();
      expect(ops(changes)).toEqual(['decline', 'dispatch', 'sweep-offers', 'presence', 'dispatch', 'presence']);
      expect(changes.map((c) => c.change.result)).toEqual([declined, again, expired, cy, third, offline]);
      expect(expired[0]?.agentSetNotReady).toBe(true);
      expect(changes[0]?.trace).toEqual({ reason: 'not my brand' });
      expect(offline.withdrawnOffers?.map((w) => w.offerId)).toEqual(['offer-c']);
    });

    it('records transfers to the queue and to a colleague, and the colleague taking it', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
      await store.upsertInteraction(upsertInput(T0 + 1));
      const offer = await store.dispatch(T0 + 2, TIMEOUT, 'offer-1');
      if (!offer) throw new Error('expected an offer');
      await store.accept(offer.interactionId, offer.offerId, 'ada', T0 + 3);
      await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 4 });
      await store.ackChanges((await takeAll()).map((c) => c.id));

      const input = { interactionId: offer.interactionId, fromAgentId: 'ada', toAgentId: 'bob', offerId: 'transfer-1', now: T0 + 5, offerTimeoutMs: TIMEOUT };
      const transferOffered = await store.offerTransfer(input, { reason: 'billing' });
      const taken = await store.accept(offer.interactionId, 'transfer-1', 'bob', T0 + 6);
      const backToQueue = await store.transferToQueue(offer.interactionId, 'bob', T0 + 7, { reason: 'needs a manager' });

      const changes = await takeAll();
      expect(ops(changes)).toEqual(['offer-transfer', 'accept', 'transfer-to-queue']);
      expect(changes.map((c) => c.change.result)).toEqual([transferOffered, taken, backToQueue]);
      expect(taken.kind === 'accepted' && taken.transferredFrom).toBe('ada');
    });

    it('records nothing for outcomes that change nothing: stale answers, duplicates, repeats, empty sweeps', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
      const input = upsertInput(T0 + 1);
      await store.upsertInteraction(input);
      const offer = await store.dispatch(T0 + 2, TIMEOUT, 'offer-1');
      if (!offer) throw new Error('expected an offer');
      await store.accept(offer.interactionId, offer.offerId, 'ada', T0 + 3);
      const before = await store.pendingChanges();

      expect((await store.upsertInteraction({ ...input, interactionIdIfNew: newId() })).kind).toBe('duplicate');
      expect((await store.accept(offer.interactionId, offer.offerId, 'ada', T0 + 4)).kind).toBe('already-accepted');
      expect((await store.decline(offer.interactionId, 'other-offer', 'ada', T0 + 5)).kind).toBe('stale');
      expect((await store.complete(offer.interactionId, 'bob', T0 + 6)).kind).toBe('stale');
      expect(await store.dispatch(T0 + 7, TIMEOUT, 'offer-2')).toBeUndefined();
      expect(await store.sweepExpiredOffers(T0 + 8, 10)).toEqual([]);
      expect(await store.endWrapUps(T0 + 9, 10)).toEqual([]);
      expect(await store.pendingChanges()).toBe(before);
    });

    it('gives each change to one relay until acknowledged, and acknowledged changes never come back', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
      await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 1 });
      const mine = await store.claimChanges({ relayId: 'relay-a', limit: 1 });
      const theirs = await store.claimChanges({ relayId: 'relay-b', limit: 10 });
      expect(ops(mine)).toEqual(['presence']);
      expect(ops(theirs)).toEqual(['presence']);
      expect(mine[0]?.id).not.toEqual(theirs[0]?.id);
      expect(await store.claimChanges({ relayId: 'relay-c', limit: 10 })).toEqual([]);
      expect(await store.pendingChanges()).toBe(2);

      await store.ackChanges([...mine, ...theirs].map((c) => c.id));
      expect(await store.pendingChanges()).toBe(0);
      expect(await store.claimChanges({ relayId: 'relay-c', limit: 10, reclaimIdleMs: 0 })).toEqual([]);
    });

    it('keeps relaying after the outbox vanished with its group (a Redis that lost its data)', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
      await store.ackChanges((await takeAll()).map((c) => c.id));
      await harness.dropOutbox?.();
      await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 1 });
      const changes = await takeAll();
      expect(changes.map((c) => (c.change.op === 'presence' ? c.change.input.agentId : c.change.op))).toEqual(['bob']);
    });

    it('gives a change its relay never acknowledged to another relay once it has waited reclaimIdleMs', async () => {
      await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 }, { causationId: 'c1' });
      const taken = await store.claimChanges({ relayId: 'dead-relay', limit: 10 });
      expect(taken).toHaveLength(1);
      // Not long enough yet: the first relay may still be publishing.
      expect(await store.claimChanges({ relayId: 'relay-b', limit: 10, reclaimIdleMs: 60_000 })).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const reclaimed = await store.claimChanges({ relayId: 'relay-b', limit: 10, reclaimIdleMs: 20 });
      expect(reclaimed).toEqual(taken);
      await store.ackChanges(reclaimed.map((c) => c.id));
      expect(await store.pendingChanges()).toBe(0);
    });
  });
}
