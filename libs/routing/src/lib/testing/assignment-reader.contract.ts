import { newId } from '@perch/platform';

import { type AssignmentReader } from '../assignments/assignment-reader.port';
import { type ReaderHarness } from './redis-reader-harness.fixtures';
import { inboundMessage, upsertInput } from './routing.fixtures';

export type AssignmentReaderHarness = ReaderHarness<AssignmentReader>;

const OFFER_TIMEOUT_MS = 30_000;

/** One contract for every AssignmentReader: it answers what the router's store holds at the moment of the read. */
export function describeAssignmentReaderContract(name: string, factory: () => Promise<AssignmentReaderHarness>): void {
  describe(`${name} (AssignmentReader contract)`, () => {
    let harness: AssignmentReaderHarness;
    let now: number;

    beforeEach(async () => {
      harness = await factory();
      now = 1_760_000_000_000;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    /** A queued interaction, offered to `agentId` (the only ready agent) unless `offer` is false. */
    async function routed(agentId: string, offer = true): Promise<{ interactionId: string; offerId: string; correlationId: string }> {
      const interactionId = newId();
      const offerId = newId();
      const correlationId = newId();
      if (offer) await harness.store.setPresence({ agentId, state: 'ready', capacity: 1, now });
      await harness.store.upsertInteraction(upsertInput(now, { interactionIdIfNew: interactionId, correlationId }));
      if (offer) {
        const made = await harness.store.dispatch(now, OFFER_TIMEOUT_MS, offerId);
        expect(made).toMatchObject({ interactionId, agentId, offerId });
      }
      return { interactionId, offerId, correlationId };
    }

    it('knows nothing of an interaction the router never routed', async () => {
      expect(await harness.reader.holderOf(newId())).toBeUndefined();
    });

    it('answers a queued interaction with no holder', async () => {
      const { interactionId, correlationId } = await routed('ada', false);
      expect(await harness.reader.holderOf(interactionId)).toEqual({ interactionId, state: 'queued', correlationId, channel: 'public' });
    });

    it('answers an offer with its agent, offer id and deadline', async () => {
      const { interactionId, offerId, correlationId } = await routed('ada');
      expect(await harness.reader.holderOf(interactionId)).toEqual({
        interactionId,
        state: 'offered',
        agentId: 'ada',
        offerId,
        offerExpiresAt: now + OFFER_TIMEOUT_MS,
        correlationId,
        channel: 'public',
      });
    });

    it('answers the assignment once the offer is accepted, with no deadline left', async () => {
      const { interactionId, offerId, correlationId } = await routed('ada');
      await harness.store.accept(interactionId, offerId, 'ada', now + 1);
      expect(await harness.reader.holderOf(interactionId)).toEqual({ interactionId, state: 'assigned', agentId: 'ada', offerId, correlationId, channel: 'public' });
    });

    it('answers a transfer pending on the assignment: the holder keeps it, the named agent has the offer and its reason', async () => {
      const { interactionId, offerId } = await routed('ada');
      await harness.store.accept(interactionId, offerId, 'ada', now + 1);
      await harness.store.setPresence({ agentId: 'bob', state: 'ready', capacity: 1, now: now + 2 });
      const transferOfferId = newId();
      await harness.store.offerTransfer({
        interactionId,
        fromAgentId: 'ada',
        toAgentId: 'bob',
        offerId: transferOfferId,
        now: now + 3,
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        reason: 'billing question',
      });
      expect(await harness.reader.holderOf(interactionId)).toMatchObject({
        state: 'assigned',
        agentId: 'ada',
        transferOffer: { toAgentId: 'bob', offerId: transferOfferId, expiresAt: now + 3 + OFFER_TIMEOUT_MS, reason: 'billing question' },
      });
    });

    it('answers the channel of a direct message', async () => {
      const interactionId = newId();
      await harness.store.upsertInteraction(upsertInput(now, { interactionIdIfNew: interactionId, message: inboundMessage({ kind: 'dm' }) }));
      expect(await harness.reader.holderOf(interactionId)).toMatchObject({ interactionId, state: 'queued', channel: 'dm' });
    });

    it('answers an invitation to the conference, then its guests: the holder keeps the interaction', async () => {
      const { interactionId, offerId } = await routed('ada');
      await harness.store.accept(interactionId, offerId, 'ada', now + 1);
      await harness.store.setPresence({ agentId: 'bob', state: 'not-ready', reason: 'training', capacity: 1, now: now + 2 });
      const invitationId = newId();
      await harness.store.offerConference({
        interactionId,
        fromAgentId: 'ada',
        toAgentId: 'bob',
        offerId: invitationId,
        now: now + 3,
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        maxAgents: 2,
        reason: 'second opinion',
      });
      expect(await harness.reader.holderOf(interactionId)).toMatchObject({
        state: 'assigned',
        agentId: 'ada',
        conferenceOffer: { toAgentId: 'bob', offerId: invitationId, expiresAt: now + 3 + OFFER_TIMEOUT_MS, reason: 'second opinion' },
      });
      await harness.store.accept(interactionId, invitationId, 'bob', now + 4);
      const holder = await harness.reader.holderOf(interactionId);
      expect(holder).toMatchObject({ state: 'assigned', agentId: 'ada', conferenceAgentIds: ['bob'] });
      expect(holder?.conferenceOffer).toBeUndefined();
    });

    it('answers no holder once the offer is declined, and no offer either', async () => {
      const { interactionId, offerId } = await routed('ada');
      await harness.store.decline(interactionId, offerId, 'ada', now + 1);
      const holder = await harness.reader.holderOf(interactionId);
      expect(holder).toMatchObject({ interactionId, state: 'queued' });
      expect(holder?.agentId).toBeUndefined();
      expect(holder?.offerId).toBeUndefined();
    });

    it('answers a completed interaction with the agent who completed it, while the router retains it', async () => {
      const { interactionId, offerId } = await routed('ada');
      await harness.store.accept(interactionId, offerId, 'ada', now + 1);
      await harness.store.complete(interactionId, 'ada', now + 2);
      expect(await harness.reader.holderOf(interactionId)).toMatchObject({ interactionId, state: 'completed', agentId: 'ada' });
    });
  });
}
