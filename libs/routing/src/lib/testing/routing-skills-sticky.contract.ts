import { newId, ValidationFailedError } from '@perch/platform';

import { type AgentState, type InteractionRecord, type Offer, type UpsertInteractionInput } from '../routing.types';
import { type RoutingStore, type RoutingStoreOptions } from '../store/routing-store.port';
import { type RoutingStoreFactory, type RoutingStoreHarness } from './routing-store.contract';
import { inboundMessage, upsertInput } from './routing.fixtures';

const T0 = 1_700_000_000_000;
const TIMEOUT = 30_000;
const STICKY = { stickyWindowMs: 10 * 60_000, stickyWaitMs: 30_000 } satisfies RoutingStoreOptions;

/**
 * Skill levels, widening and the sticky agent (issue 10, items 4 and 6; ADR 0017), for every RoutingStore adapter:
 * a minimum level keeps lower-level agents away, a widening due lets more agents in, and a returning customer waits
 * for its last agent (while that agent is signed in and the sticky wait lasts) before anyone else may take it.
 */
export function describeRoutingSkillsAndStickyContract(name: string, factory: RoutingStoreFactory): void {
  describe(`RoutingStore skills and sticky agent contract: ${name}`, () => {
    let harness: RoutingStoreHarness;
    let store: RoutingStore;

    const open = async (options: RoutingStoreOptions = {}): Promise<void> => {
      harness = await factory(options);
      store = harness.store;
    };

    afterEach(async () => {
      await harness.dispose();
    });

    const sound = async (): Promise<void> => {
      expect((await harness.violations?.()) ?? []).toEqual([]);
    };

    const presence = (agentId: string, state: AgentState, now: number, skills?: string[], capacity?: number) =>
      store.setPresence({ agentId, state, now, ...(skills === undefined ? {} : { skills }), ...(capacity === undefined ? {} : { capacity }) });

    const create = async (now: number, overrides: Partial<Omit<UpsertInteractionInput, 'now'>> & { customer?: string } = {}): Promise<InteractionRecord> => {
      const { customer, ...rest } = overrides;
      const base = inboundMessage();
      const message = inboundMessage({ author: { ...base.author, id: customer ?? '42' } });
      const result = await store.upsertInteraction(upsertInput(now, { message, ...rest }));
      if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
      return result.interaction;
    };

    const dispatch = (now: number): Promise<Offer | undefined> => store.dispatch(now, TIMEOUT, newId());

    const pairOf = (offer: Offer | undefined): [string, string] | undefined => (offer ? [offer.interactionId, offer.agentId] : undefined);

    /** The customer's interaction handled by `agentId` from offer to completion (the agent's only ready peer is busy). */
    const served = async (now: number, customer: string, agentId: string): Promise<void> => {
      const interaction = await create(now, { customer });
      const offer = await dispatch(now);
      expect(pairOf(offer)).toEqual([interaction.interactionId, agentId]);
      if (!offer) return;
      expect((await store.accept(offer.interactionId, offer.offerId, agentId, now)).kind).toBe('accepted');
      expect((await store.complete(offer.interactionId, agentId, now + 1)).kind).toBe('completed');
    };

    describe('minimum level', () => {
      it('offers an interaction needing a level only to agents at that level or above, the highest level first', async () => {
        await open();
        await presence('a1', 'ready', T0, ['billing=1']);
        await presence('a2', 'ready', T0 + 1, ['billing=2']);
        await presence('a3', 'ready', T0 + 2, ['billing=3']);
        const first = await create(T0 + 10, { requiredSkill: 'billing', requiredLevel: 2 });
        expect(first.requiredLevel).toBe(2);
        expect(pairOf(await dispatch(T0 + 11))).toEqual([first.interactionId, 'a3']);
        const second = await create(T0 + 12, { requiredSkill: 'billing', requiredLevel: 2 });
        expect(pairOf(await dispatch(T0 + 13))).toEqual([second.interactionId, 'a2']);
        // Only a1 (level 1) is free: below the minimum, it is not offered it.
        await create(T0 + 14, { requiredSkill: 'billing', requiredLevel: 2 });
        expect(await dispatch(T0 + 15)).toBeUndefined();
        // Work it may take is still found behind the head it may not.
        const plain = await create(T0 + 16, { requiredSkill: 'billing' });
        expect(pairOf(await dispatch(T0 + 17))).toEqual([plain.interactionId, 'a1']);
        await sound();
      });

      it('finds work for a free agent behind any number of heads needing a level nobody available has', async () => {
        await open();
        await presence('a1', 'ready', T0, ['billing=2']);
        for (let i = 0; i < 60; i += 1) await create(T0 + i, { requiredSkill: 'billing', requiredLevel: 3, priority: 3 });
        const reachable = await create(T0 + 100, { requiredSkill: 'billing', requiredLevel: 2, priority: 0 });
        expect(pairOf(await dispatch(T0 + 101))).toEqual([reachable.interactionId, 'a1']);
        await sound();
      });

      it('refuses a level without a skill, or outside 1..10, changing nothing', async () => {
        await open();
        await expect(create(T0, { requiredLevel: 2 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(create(T0, { requiredSkill: 'billing', requiredLevel: 11 })).rejects.toBeInstanceOf(ValidationFailedError);
        await expect(create(T0, { requiredSkill: 'billing=2' })).rejects.toBeInstanceOf(ValidationFailedError);
        expect(await store.queueDepth()).toBe(0);
      });
    });

    describe('widening', () => {
      it('widens the requirement to the configured skill at level 1 once its wait is due, then offers it to those agents', async () => {
        await open();
        await presence('a1', 'ready', T0, ['language:any']);
        const interaction = await create(T0, { requiredSkill: 'language:fr', requiredLevel: 2, widen: { afterMs: 60_000, to: 'language:any' } });
        expect(interaction).toMatchObject({ widenAt: T0 + 60_000, widenTo: 'language:any' });
        expect(await dispatch(T0 + 1)).toBeUndefined();
        expect(await store.sweepRequirements(T0 + 59_999, 100)).toEqual([]);
        const changes = await store.sweepRequirements(T0 + 60_000, 100);
        expect(changes).toHaveLength(1);
        expect(changes[0]).toMatchObject({ kind: 'widened', previousSkill: 'language:fr' });
        expect(changes[0]?.interaction).toMatchObject({ requiredSkill: 'language:any', widenedAt: T0 + 60_000, state: 'queued' });
        expect(changes[0]?.interaction.requiredLevel).toBeUndefined();
        expect(changes[0]?.interaction.widenAt).toBeUndefined();
        await sound();
        expect(pairOf(await dispatch(T0 + 60_001))).toEqual([interaction.interactionId, 'a1']);
        // Done once: nothing more is due.
        expect(await store.sweepRequirements(T0 + 120_000, 100)).toEqual([]);
        await sound();
      });

      it("drops the requirement altogether when it widens to '' (anyone may take it)", async () => {
        await open();
        await presence('a1', 'ready', T0, []);
        const interaction = await create(T0, { requiredSkill: 'language:de', widen: { afterMs: 1_000, to: '' } });
        expect(await dispatch(T0 + 1)).toBeUndefined();
        const [change] = await store.sweepRequirements(T0 + 1_000, 100);
        expect(change?.interaction.requiredSkill).toBeUndefined();
        expect(pairOf(await dispatch(T0 + 1_001))).toEqual([interaction.interactionId, 'a1']);
        await sound();
      });

      it('widens an interaction offered meanwhile too, so a decline queues it under the wider requirement', async () => {
        await open();
        await presence('fr', 'ready', T0, ['language:fr']);
        await presence('any', 'not-ready', T0, ['language:any']);
        const interaction = await create(T0, { requiredSkill: 'language:fr', widen: { afterMs: 1_000, to: 'language:any' } });
        const offer = await dispatch(T0 + 1);
        expect(pairOf(offer)).toEqual([interaction.interactionId, 'fr']);
        const [change] = await store.sweepRequirements(T0 + 1_000, 100);
        expect(change?.interaction).toMatchObject({ state: 'offered', requiredSkill: 'language:any' });
        await presence('any', 'ready', T0 + 1_001);
        await store.decline(interaction.interactionId, offer?.offerId ?? '', 'fr', T0 + 1_002);
        expect(pairOf(await dispatch(T0 + 1_003))).toEqual([interaction.interactionId, 'any']);
        await sound();
      });
    });

    describe('sticky agent', () => {
      it("offers a returning customer's new interaction to its last agent first, even when another agent is idler", async () => {
        await open(STICKY);
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        await served(T0 + 10, 'c1', 'a1');
        // a2 has waited longest now; the customer comes back within the window.
        const back = await create(T0 + 100, { customer: 'c1' });
        expect(back).toMatchObject({ stickyAgentId: 'a1', stickyUntil: T0 + 100 + STICKY.stickyWaitMs });
        const offer = await dispatch(T0 + 101);
        expect(pairOf(offer)).toEqual([back.interactionId, 'a1']);
        // The offer used the reservation: the record keeps who the last agent was, not the reservation.
        expect(offer?.interaction.stickyAgentId).toBe('a1');
        expect(offer?.interaction.stickyUntil).toBeUndefined();
        // Someone else's new interaction goes to the longest-idle as ever.
        const other = await create(T0 + 102, { customer: 'c2' });
        expect(other.stickyAgentId).toBeUndefined();
        expect(pairOf(await dispatch(T0 + 103))).toEqual([other.interactionId, 'a2']);
        await sound();
      });

      it('keeps it for its last agent while that agent is full, then lets anyone take it once the sticky wait is over', async () => {
        await open(STICKY);
        await presence('a1', 'ready', T0);
        await presence('a2', 'not-ready', T0);
        await served(T0 + 10, 'c1', 'a1');
        // a1 gets other work and is full; a2 comes in.
        const busy = await create(T0 + 20, { customer: 'c9' });
        expect(pairOf(await dispatch(T0 + 21))).toEqual([busy.interactionId, 'a1']);
        await presence('a2', 'ready', T0 + 22);
        const back = await create(T0 + 100, { customer: 'c1' });
        expect(back.stickyAgentId).toBe('a1');
        // a2 is free, but the interaction waits for a1 during the sticky wait.
        expect(await dispatch(T0 + 101)).toBeUndefined();
        expect(await store.sweepRequirements(T0 + 100 + STICKY.stickyWaitMs - 1, 100)).toEqual([]);
        await sound();
        const changes = await store.sweepRequirements(T0 + 100 + STICKY.stickyWaitMs, 100);
        expect(changes.map((change) => [change.kind, change.interaction.interactionId])).toEqual([['sticky-ended', back.interactionId]]);
        expect(changes[0]?.interaction.stickyUntil).toBeUndefined();
        expect(pairOf(await dispatch(T0 + 100 + STICKY.stickyWaitMs + 1))).toEqual([back.interactionId, 'a2']);
        await sound();
      });

      it('lets anyone take it at once when its last agent goes offline, and never reserves it for an offline agent', async () => {
        await open(STICKY);
        await presence('a1', 'ready', T0);
        await presence('a2', 'not-ready', T0);
        await served(T0 + 10, 'c1', 'a1');
        await presence('a1', 'not-ready', T0 + 20);
        await presence('a2', 'ready', T0 + 21);
        const back = await create(T0 + 100, { customer: 'c1' });
        expect(back.stickyAgentId).toBe('a1');
        expect(await dispatch(T0 + 101)).toBeUndefined();
        await presence('a1', 'offline', T0 + 102);
        expect((await store.getInteraction(back.interactionId))?.stickyUntil).toBeUndefined();
        await sound();
        expect(pairOf(await dispatch(T0 + 103))).toEqual([back.interactionId, 'a2']);
        // Back again while a1 is offline: not reserved at all.
        const again = await create(T0 + 200, { customer: 'c1' });
        expect(again.stickyUntil).toBeUndefined();
        await sound();
      });

      it('lets anyone take it when its last agent declines it, and forgets the last agent after the window', async () => {
        await open(STICKY);
        await presence('a1', 'ready', T0);
        await presence('a2', 'not-ready', T0);
        await served(T0 + 10, 'c1', 'a1');
        await presence('a2', 'ready', T0 + 20);
        const back = await create(T0 + 100, { customer: 'c1' });
        const offer = await dispatch(T0 + 101);
        expect(pairOf(offer)).toEqual([back.interactionId, 'a1']);
        await store.decline(back.interactionId, offer?.offerId ?? '', 'a1', T0 + 102);
        expect(pairOf(await dispatch(T0 + 103))).toEqual([back.interactionId, 'a2']);
        // The last completion was at T0 + 11: past the window, the customer is new again.
        const late = await create(T0 + 11 + STICKY.stickyWindowMs + 1, { customer: 'c1' });
        expect(late.stickyAgentId).toBeUndefined();
        await store.sweepRequirements(T0 + 11 + STICKY.stickyWindowMs + 2, 100);
        await sound();
      });

      it('reserves nothing when the sticky agent is off (the default)', async () => {
        await open();
        await presence('a1', 'ready', T0);
        await presence('a2', 'ready', T0 + 1);
        await served(T0 + 10, 'c1', 'a1');
        const back = await create(T0 + 100, { customer: 'c1' });
        expect(back.stickyAgentId).toBeUndefined();
        expect(pairOf(await dispatch(T0 + 101))).toEqual([back.interactionId, 'a2']);
        await sound();
      });
    });
  });
}
