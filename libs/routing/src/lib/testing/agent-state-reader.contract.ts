import { newId } from '@perch/platform';

import { type AgentStateReader } from '../assignments/agent-state-reader.port';
import { type RoutingStoreOptions } from '../store/routing-store.port';
import { type ReaderHarness } from './redis-reader-harness.fixtures';
import { upsertInput } from './routing.fixtures';

export type AgentStateReaderHarness = ReaderHarness<AgentStateReader>;

const OFFER_TIMEOUT_MS = 30_000;
const WRAP_UP_MS = 20_000;

/** One contract for every AgentStateReader: it answers the agent's state and work as the router's store holds them now. */
export function describeAgentStateReaderContract(name: string, factory: (options: RoutingStoreOptions) => Promise<AgentStateReaderHarness>): void {
  describe(`${name} (AgentStateReader contract)`, () => {
    let harness: AgentStateReaderHarness;
    const now = 1_760_000_000_000;

    beforeEach(async () => {
      harness = await factory({ wrapUpMs: WRAP_UP_MS });
    });

    afterEach(async () => {
      await harness.dispose();
    });

    async function offerTo(agentId: string, at: number): Promise<{ interactionId: string; offerId: string; correlationId: string }> {
      const interactionId = newId();
      const offerId = newId();
      const correlationId = newId();
      await harness.store.upsertInteraction(upsertInput(at, { interactionIdIfNew: interactionId, correlationId }));
      const made = await harness.store.dispatch(at, OFFER_TIMEOUT_MS, offerId);
      expect(made).toMatchObject({ interactionId, agentId, offerId });
      return { interactionId, offerId, correlationId };
    }

    it('knows nothing of an agent who never set a presence', async () => {
      expect(await harness.reader.stateOf('nobody')).toBeUndefined();
    });

    it('answers a not-ready agent with its reason and since when', async () => {
      await harness.store.setPresence({ agentId: 'ada', state: 'not-ready', reason: 'training', capacity: 2, now });
      expect(await harness.reader.stateOf('ada')).toEqual({
        agentId: 'ada',
        state: 'not-ready',
        reason: 'training',
        since: now,
        capacity: 2,
        load: 0,
        loadByChannel: { public: 0, dm: 0 },
        offers: [],
        assigned: [],
        conferences: [],
      });
    });

    it("answers the agent's pending offers and assigned work, with each offer's deadline", async () => {
      await harness.store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now });
      const first = await offerTo('ada', now + 1);
      await harness.store.accept(first.interactionId, first.offerId, 'ada', now + 2);
      const second = await offerTo('ada', now + 3);
      const view = await harness.reader.stateOf('ada');
      expect(view).toMatchObject({ state: 'ready', load: 2, loadByChannel: { public: 2, dm: 0 } });
      expect(view?.offers).toEqual([
        { interactionId: second.interactionId, offerId: second.offerId, expiresAt: now + 3 + OFFER_TIMEOUT_MS, correlationId: second.correlationId },
      ]);
      expect(view?.assigned).toEqual([{ interactionId: first.interactionId, correlationId: first.correlationId }]);
    });

    it('answers a transfer offer and an invitation waiting for the agent (after a reload), and the conferences it is a guest of', async () => {
      await harness.store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now });
      const held = await offerTo('ada', now + 1);
      await harness.store.accept(held.interactionId, held.offerId, 'ada', now + 2);
      await harness.store.setPresence({ agentId: 'ada', state: 'not-ready', reason: 'training', now: now + 2 });
      await harness.store.setPresence({ agentId: 'bob', state: 'not-ready', reason: 'training', capacity: 1, now: now + 2 });
      const transferOfferId = newId();
      await harness.store.offerTransfer({
        interactionId: held.interactionId,
        fromAgentId: 'ada',
        toAgentId: 'bob',
        offerId: transferOfferId,
        now: now + 3,
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        reason: 'billing question',
      });
      const waiting = await harness.reader.stateOf('bob');
      // The reason is the router's record's, so a reload shows it as the push did.
      expect(waiting?.offers).toEqual([
        {
          interactionId: held.interactionId,
          offerId: transferOfferId,
          expiresAt: now + 3 + OFFER_TIMEOUT_MS,
          correlationId: held.correlationId,
          kind: 'transfer',
          fromAgentId: 'ada',
          reason: 'billing question',
        },
      ]);
      expect(waiting).toMatchObject({ load: 0, assigned: [], conferences: [] });
      // The holder's view is unchanged: the transfer offer is bob's to answer.
      expect(await harness.reader.stateOf('ada')).toMatchObject({ offers: [], assigned: [{ interactionId: held.interactionId }] });
      await harness.store.decline(held.interactionId, transferOfferId, 'bob', now + 4);

      const invitationId = newId();
      await harness.store.offerConference({
        interactionId: held.interactionId,
        fromAgentId: 'ada',
        toAgentId: 'bob',
        offerId: invitationId,
        now: now + 5,
        offerTimeoutMs: OFFER_TIMEOUT_MS,
        maxAgents: 2,
        reason: 'second opinion',
      });
      expect((await harness.reader.stateOf('bob'))?.offers).toEqual([
        {
          interactionId: held.interactionId,
          offerId: invitationId,
          expiresAt: now + 5 + OFFER_TIMEOUT_MS,
          correlationId: held.correlationId,
          kind: 'conference',
          fromAgentId: 'ada',
          reason: 'second opinion',
        },
      ]);
      await harness.store.accept(held.interactionId, invitationId, 'bob', now + 6);
      expect(await harness.reader.stateOf('bob')).toMatchObject({
        load: 1,
        offers: [],
        assigned: [],
        conferences: [{ interactionId: held.interactionId, correlationId: held.correlationId, holderAgentId: 'ada', conferenceAgentIds: ['bob'] }],
      });
      // The holder's read names the guests too (a reload lists who is in the conference).
      expect((await harness.reader.stateOf('ada'))?.assigned).toEqual([
        { interactionId: held.interactionId, correlationId: held.correlationId, conferenceAgentIds: ['bob'] },
      ]);
    });

    it("marks an offer to the customer's last agent sticky, and no other", async () => {
      const sticky = await factory({ stickyWindowMs: 10 * 60_000, stickyWaitMs: 30_000 });
      try {
        await sticky.store.setPresence({ agentId: 'ada', state: 'ready', capacity: 1, now });
        // The same customer (author) writes twice: the second interaction is reserved for the agent who completed the first.
        const first = newId();
        await sticky.store.upsertInteraction(upsertInput(now + 1, { interactionIdIfNew: first }));
        const offered = await sticky.store.dispatch(now + 1, OFFER_TIMEOUT_MS, newId());
        if (!offered) throw new Error('expected an offer');
        expect((await sticky.reader.stateOf('ada'))?.offers).toEqual([expect.not.objectContaining({ sticky: true })]);
        await sticky.store.accept(first, offered.offerId, 'ada', now + 2);
        await sticky.store.complete(first, 'ada', now + 3);
        const second = newId();
        await sticky.store.upsertInteraction(upsertInput(now + 4, { interactionIdIfNew: second }));
        expect(await sticky.store.dispatch(now + 4, OFFER_TIMEOUT_MS, newId())).toMatchObject({ interactionId: second, agentId: 'ada' });
        expect((await sticky.reader.stateOf('ada'))?.offers).toEqual([expect.objectContaining({ interactionId: second, sticky: true })]);
      } finally {
        await sticky.dispose();
      }
    });

    it('answers wrap-up with its end, and missed-offer after a timeout', async () => {
      await harness.store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now });
      const held = await offerTo('ada', now + 1);
      await harness.store.accept(held.interactionId, held.offerId, 'ada', now + 2);
      await offerTo('ada', now + 3);
      await harness.store.complete(held.interactionId, 'ada', now + 4);
      expect(await harness.reader.stateOf('ada')).toMatchObject({ state: 'wrap-up', since: now + 4, wrapUpUntil: now + 4 + WRAP_UP_MS, load: 1 });
      await harness.store.sweepExpiredOffers(now + 3 + OFFER_TIMEOUT_MS, 10);
      const view = await harness.reader.stateOf('ada');
      expect(view).toMatchObject({ state: 'not-ready', reason: 'missed-offer', since: now + 3 + OFFER_TIMEOUT_MS, load: 0, offers: [] });
      expect(view).not.toHaveProperty('wrapUpUntil');
    });
  });
}
