import { newId } from '@perch/platform';

import { type RoutingSnapshotReader } from '../assignments/routing-snapshot-reader.port';
import { type RoutingStoreOptions } from '../store/routing-store.port';
import { type ReaderHarness } from './redis-reader-harness.fixtures';
import { inboundMessage, upsertInput } from './routing.fixtures';

export type RoutingSnapshotReaderHarness = ReaderHarness<RoutingSnapshotReader>;

const OFFER_TIMEOUT_MS = 30_000;
const STEP_MS = 60_000;

/** One contract for every RoutingSnapshotReader: it answers what the router's store holds at the moment of the read. */
export function describeRoutingSnapshotReaderContract(
  name: string,
  factory: (options: RoutingStoreOptions) => Promise<RoutingSnapshotReaderHarness>,
): void {
  describe(`${name} (RoutingSnapshotReader contract)`, () => {
    let harness: RoutingSnapshotReaderHarness;
    let now: number;

    async function open(options: RoutingStoreOptions = {}): Promise<RoutingSnapshotReaderHarness> {
      harness = await factory({ agingStepMs: STEP_MS, ...options });
      return harness;
    }

    beforeEach(() => {
      now = 1_760_000_000_000;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    async function arrive(options: { skill?: string; dm?: boolean; priority?: number; at?: number } = {}): Promise<string> {
      const interactionId = newId();
      const messageId = String(1_900_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)));
      const message = options.dm
        ? inboundMessage({ messageId, kind: 'dm', conversationKey: `1000:dm:${messageId}` })
        : inboundMessage({ messageId });
      await harness.store.upsertInteraction(
        upsertInput(options.at ?? now, {
          message,
          interactionIdIfNew: interactionId,
          priority: options.priority ?? 1,
          ...(options.skill === undefined ? {} : { requiredSkill: options.skill }),
        }),
      );
      return interactionId;
    }

    it('reads an empty tenant as no queue, nothing waiting and nobody available', async () => {
      const { reader } = await open();
      expect(await reader.liveQueues()).toEqual({ queues: [], waiting: 0, agentsAvailable: 0 });
      expect(await reader.agentPage({ limit: 10 })).toEqual({ agents: [] });
      expect(await reader.agentsByIds(['nobody'])).toEqual([]);
    });

    it('counts what waits per queue (channel and skill) with its oldest, by age whatever the priority', async () => {
      const { reader } = await open();
      await arrive({ at: now - 5_000, priority: 0 });
      // Younger and more urgent: served first, yet the oldest wait is still the older one's.
      await arrive({ at: now - 1_000, priority: 3 });
      await arrive({ at: now - 3_000, skill: 'billing' });
      await arrive({ at: now - 2_000, dm: true });
      const live = await reader.liveQueues();
      expect(live).toEqual({
        queues: [
          { channel: 'dm', waiting: 1, oldestCreatedAt: now - 2_000, agentsAvailable: 0, agentsSignedIn: 0 },
          { channel: 'public', waiting: 2, oldestCreatedAt: now - 5_000, agentsAvailable: 0, agentsSignedIn: 0 },
          { channel: 'public', skill: 'billing', waiting: 1, oldestCreatedAt: now - 3_000, agentsAvailable: 0, agentsSignedIn: 0 },
        ],
        waiting: 4,
        oldestCreatedAt: now - 5_000,
        agentsAvailable: 0,
      });
    });

    it("lists work needing a skill at a minimum level in that skill's queue, beside the skill's agents", async () => {
      const { reader, store } = await open();
      await store.setPresence({ agentId: 'a1', state: 'ready', skills: ['billing=1'], now });
      await harness.store.upsertInteraction(
        upsertInput(now - 4_000, { message: inboundMessage({ messageId: '1900000000000000001' }), requiredSkill: 'billing', requiredLevel: 3 }),
      );
      await arrive({ at: now - 1_000, skill: 'billing' });
      const live = await reader.liveQueues();
      expect(live.queues.find((queue) => queue.channel === 'public' && queue.skill === 'billing')).toEqual({
        channel: 'public',
        skill: 'billing',
        waiting: 2,
        oldestCreatedAt: now - 4_000,
        agentsAvailable: 1,
        agentsSignedIn: 1,
      });
      expect(live.queues.every((queue) => !(queue.skill ?? '').includes('='))).toBe(true);
    });

    it('counts the agents who staff each queue and those free to take its work now', async () => {
      const { reader, store } = await open();
      await store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, skills: ['billing'], now });
      await store.setPresence({ agentId: 'bob', state: 'not-ready', capacityByChannel: { public: 1, dm: 0 }, now });
      await store.setPresence({ agentId: 'cy', state: 'offline', now });
      const live = await reader.liveQueues();
      expect(live.queues).toEqual([
        { channel: 'dm', waiting: 0, agentsAvailable: 1, agentsSignedIn: 1 },
        { channel: 'dm', skill: 'billing', waiting: 0, agentsAvailable: 1, agentsSignedIn: 1 },
        { channel: 'public', waiting: 0, agentsAvailable: 1, agentsSignedIn: 2 },
        { channel: 'public', skill: 'billing', waiting: 0, agentsAvailable: 1, agentsSignedIn: 1 },
      ]);
      expect(live).toMatchObject({ waiting: 0, agentsAvailable: 1 });
    });

    it('follows an offer: out of the queue, the oldest moves on, the agent loaded in the channel', async () => {
      const { reader, store } = await open();
      const first = await arrive({ at: now - 9_000 });
      await arrive({ at: now - 4_000 });
      await store.setPresence({ agentId: 'ada', state: 'ready', capacityByChannel: { public: 1, dm: 2 }, now });
      const offer = await store.dispatch(now, OFFER_TIMEOUT_MS, newId());
      expect(offer?.interactionId).toBe(first);
      const live = await reader.liveQueues();
      expect(live.queues.find((queue) => queue.channel === 'public' && queue.skill === undefined)).toEqual({
        channel: 'public',
        waiting: 1,
        oldestCreatedAt: now - 4_000,
        // Full in public: not available there; still room for DMs.
        agentsAvailable: 0,
        agentsSignedIn: 1,
      });
      expect(live).toMatchObject({ waiting: 1, oldestCreatedAt: now - 4_000, agentsAvailable: 1 });
      expect(await reader.agentsByIds(['ada'])).toEqual([
        {
          agentId: 'ada',
          state: 'ready',
          stateSince: now,
          capacity: 3,
          capacityByChannel: { public: 1, dm: 2 },
          load: 1,
          loadByChannel: { public: 1, dm: 0 },
          skills: [],
        },
      ]);
    });

    it('gives every agent its per-channel limits and loads, the capacity standing for both when none are set', async () => {
      const { reader, store } = await open();
      await store.setPresence({ agentId: 'bob', state: 'ready', capacity: 2, now });
      await arrive({ dm: true });
      await store.dispatch(now, OFFER_TIMEOUT_MS, newId());
      await store.setPresence({ agentId: 'ada', state: 'not-ready', reason: 'break', now: now + 5 });
      const agents = await reader.agentsByIds(['bob', 'nobody', 'ada']);
      expect(agents).toEqual([
        {
          agentId: 'bob',
          state: 'ready',
          stateSince: now,
          capacity: 2,
          capacityByChannel: { public: 2, dm: 2 },
          load: 1,
          loadByChannel: { public: 0, dm: 1 },
          skills: [],
        },
        {
          agentId: 'ada',
          state: 'not-ready',
          reason: 'break',
          stateSince: now + 5,
          capacity: 1,
          capacityByChannel: { public: 1, dm: 1 },
          load: 0,
          loadByChannel: { public: 0, dm: 0 },
          skills: [],
        },
      ]);
    });

    it('pages through every agent, each page about the size asked', async () => {
      const { reader, store } = await open();
      const ids = Array.from({ length: 40 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
      for (const agentId of ids) await store.setPresence({ agentId, state: 'ready', capacity: 2, skills: ['billing', 'fr'], now });
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await reader.agentPage({ limit: 8, ...(cursor === undefined ? {} : { cursor }) });
        pages += 1;
        expect(page.agents.length).toBeLessThanOrEqual(40);
        for (const agent of page.agents) seen.add(agent.agentId);
        cursor = page.nextCursor;
        if (pages > 100) throw new Error('the pages never end');
      } while (cursor !== undefined);
      expect([...seen].sort()).toEqual(ids);
      expect(pages).toBeGreaterThan(1);
    });

    it('counts an overflowed interaction in both its queues and once for the tenant', async () => {
      const { reader, store } = await open({ overflowSkill: 'overflow' });
      await store.setPresence({ agentId: 'ada', state: 'ready', capacity: 1, skills: ['billing'], now });
      await store.setPresence({ agentId: 'zed', state: 'not-ready', capacity: 1, skills: ['overflow'], now });
      const interactionId = await arrive({ skill: 'billing', at: now - 1_000 });
      const offer = await store.dispatch(now, OFFER_TIMEOUT_MS, newId());
      expect(offer?.interactionId).toBe(interactionId);
      await store.decline(interactionId, offer?.offerId ?? '', 'ada', now + 1);
      const live = await reader.liveQueues();
      const waiting = live.queues.filter((queue) => queue.waiting > 0).map(({ channel, skill, waiting: n, oldestCreatedAt }) => ({ channel, skill, n, oldestCreatedAt }));
      expect(waiting).toEqual([
        { channel: 'public', skill: 'billing', n: 1, oldestCreatedAt: now - 1_000 },
        { channel: 'public', skill: 'overflow', n: 1, oldestCreatedAt: now - 1_000 },
      ]);
      expect(live).toMatchObject({ waiting: 1, oldestCreatedAt: now - 1_000 });
    });
  });
}
