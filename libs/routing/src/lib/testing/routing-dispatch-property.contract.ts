import fc from 'fast-check';

import { newId } from '@perch/platform';

import { channelOf } from '../priority.util';
import { type AgentRecord, type AgentState, type ChannelCounts, type InteractionRecord, type Offer } from '../routing.types';
import { type RoutingStore, type RoutingStoreOptions } from '../store/routing-store.port';
import { expectedPair } from './dispatch-oracle.fixtures';
import { type RoutingStoreFactory, type RoutingStoreHarness } from './routing-store.contract';
import { inboundMessage, upsertInput } from './routing.fixtures';

const T0 = 1_700_000_000_000;
const OFFER_TIMEOUT_MS = 1_000;
// With wrap-up: a completion parks a ready agent until a wait ends it (or its next presence), so dispatch must skip it.
const OPTIONS = { declineMemoryMs: 3_000, agingStepMs: 2_000, overflowSkill: 'tier2', wrapUpMs: 1_500 } satisfies RoutingStoreOptions;
const AGENTS = ['a1', 'a2', 'a3', 'a4'] as const;
const SKILLS = ['billing', 'spanish', 'tier2'] as const;
/** One router dispatch loop: RouterService's default bound on offers per trigger. */
const MAX_OFFERS_PER_LOOP = 200;

type Limits = { capacity?: number; capacityByChannel?: ChannelCounts } | undefined;

type Step =
  | { kind: 'arrive'; priority: number; skill: string | undefined; dm: boolean; followUp: number | undefined }
  | { kind: 'presence'; agent: number; state: AgentState; limits: Limits; skills: string[] | undefined }
  | { kind: 'decline' | 'accept' | 'complete'; pick: number }
  | { kind: 'timeout' }
  | { kind: 'wait'; ms: number };

const limitsArb: fc.Arbitrary<Limits> = fc.oneof(
  fc.constant(undefined),
  fc.record({ capacity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    capacityByChannel: fc
      .record({ public: fc.integer({ min: 0, max: 2 }), dm: fc.integer({ min: 0, max: 2 }) })
      .filter((limits) => limits.public + limits.dm >= 1),
  }),
  fc.record({
    capacity: fc.integer({ min: 1, max: 3 }),
    capacityByChannel: fc
      .record({ public: fc.integer({ min: 0, max: 2 }), dm: fc.integer({ min: 0, max: 2 }) })
      .filter((limits) => limits.public + limits.dm >= 1),
  }),
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('arrive' as const),
      priority: fc.integer({ min: 0, max: 3 }),
      skill: fc.constantFrom(undefined, undefined, 'billing', 'spanish'),
      dm: fc.boolean(),
      followUp: fc.option(fc.nat(), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      agent: fc.nat({ max: AGENTS.length - 1 }),
      state: fc.constantFrom<AgentState>('ready', 'ready', 'not-ready', 'offline'),
      limits: limitsArb,
      // Plain names (level 1) and levels, so the property checks the best-matching-first order too.
      skills: fc.option(
        fc
          .subarray([...SKILLS])
          .chain((names) => fc.tuple(...names.map((name) => fc.constantFrom(name, `${name}=2`, `${name}=3`)))),
        { nil: undefined },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('decline' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('timeout' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 4_000 }) }) },
);

/** Over its limits, overall or in a channel. */
function overLimits(agent: AgentRecord): boolean {
  const { capacityByChannel: limits, loadByChannel: loads } = agent;
  return agent.load > agent.capacity || (limits !== undefined && loads !== undefined && (loads.public > limits.public || loads.dm > limits.dm));
}

class Run {
  now = T0;
  readonly created: string[] = [];
  readonly conversations: string[] = [];
  readonly live = new Map<string, Offer>();
  readonly assigned = new Map<string, string>();
  /** Agents whose limits a presence lowered below what they already held: nothing is withdrawn from them. */
  readonly lowered = new Set<string>();

  private readonly store: RoutingStore;

  constructor(private readonly harness: RoutingStoreHarness) {
    this.store = harness.store;
  }

  async apply(step: Step): Promise<void> {
    this.now += 1;
    const store = this.store;
    switch (step.kind) {
      case 'arrive': {
        const conversationKey = step.followUp === undefined ? undefined : this.conversations[step.followUp % Math.max(1, this.conversations.length)];
        const message = inboundMessage({ kind: step.dm ? 'dm' : 'mention', ...(conversationKey === undefined ? {} : { conversationKey }) });
        const result = await store.upsertInteraction(
          upsertInput(this.now, { message, priority: step.priority, ...(step.skill === undefined ? {} : { requiredSkill: step.skill }) }),
        );
        if (result.kind === 'created') {
          this.created.push(result.interaction.interactionId);
          this.conversations.push(message.conversationKey);
        }
        return;
      }
      case 'presence': {
        const agent = await store.setPresence({
          agentId: AGENTS[step.agent] ?? 'a1',
          state: step.state,
          ...step.limits,
          ...(step.skills === undefined ? {} : { skills: step.skills }),
          now: this.now,
        });
        if (overLimits(agent)) this.lowered.add(agent.agentId);
        // Offline withdraws the agent's offers in the same step: exactly its live ones, which are no longer live.
        const mine = [...this.live.values()].filter((offer) => offer.agentId === agent.agentId).map((offer) => offer.offerId).sort();
        const withdrawn = (agent.withdrawnOffers ?? []).map((offer) => offer.offerId).sort();
        if (JSON.stringify(withdrawn) !== JSON.stringify(step.state === 'offline' ? mine : [])) {
          throw new Error(`presence ${step.state} withdrew ${JSON.stringify(withdrawn)}, the agent's live offers were ${JSON.stringify(mine)}`);
        }
        for (const offer of agent.withdrawnOffers ?? []) this.live.delete(offer.interaction.interactionId);
        return;
      }
      case 'decline': {
        const offer = pick([...this.live.values()], step.pick);
        if (!offer) return;
        const result = await store.decline(offer.interactionId, offer.offerId, offer.agentId, this.now);
        if (result.kind !== 'declined') throw new Error(`live offer ${offer.offerId} could not be declined: ${result.reason}`);
        this.live.delete(offer.interactionId);
        return;
      }
      case 'accept': {
        const offer = pick([...this.live.values()], step.pick);
        if (!offer) return;
        const result = await store.accept(offer.interactionId, offer.offerId, offer.agentId, this.now);
        if (result.kind === 'accepted') {
          this.live.delete(offer.interactionId);
          this.assigned.set(offer.interactionId, offer.agentId);
        } else if (!(result.kind === 'stale' && result.reason === 'offer-expired' && offer.expiresAt <= this.now)) {
          throw new Error(`live offer ${offer.offerId} could not be accepted: ${result.kind}`);
        }
        return;
      }
      case 'complete': {
        const entry = pick([...this.assigned.entries()], step.pick);
        if (!entry) return;
        const result = await store.complete(entry[0], entry[1], this.now);
        if (result.kind !== 'completed') throw new Error(`assigned ${entry[0]} could not be completed: ${result.kind}`);
        this.assigned.delete(entry[0]);
        return;
      }
      case 'timeout': {
        const deadlines = [...this.live.values()].map((offer) => offer.expiresAt);
        this.now = Math.max(this.now, ...deadlines);
        for (const expired of await store.sweepExpiredOffers(this.now, 100)) {
          if (this.live.get(expired.interaction.interactionId)?.offerId !== expired.offerId) {
            throw new Error(`swept ${expired.offerId}, which was not a live offer`);
          }
          this.live.delete(expired.interaction.interactionId);
        }
        return;
      }
      case 'wait':
        this.now += step.ms;
        // The router's sweeper: wrap-ups due end (their agents ready again).
        for (const agent of await store.endWrapUps(this.now, 100)) {
          if (agent.state !== 'ready') throw new Error(`wrap-up of ${agent.agentId} ended as ${agent.state}`);
        }
        return;
    }
  }

  /** One router dispatch loop, each dispatch checked against the oracle; then the invariants. */
  async dispatchLoop(): Promise<void> {
    for (let i = 0; i < MAX_OFFERS_PER_LOOP; i += 1) {
      this.now += 1;
      const expected = expectedPair(await this.agents(), await this.queued(), this.now, OPTIONS.agingStepMs);
      const offer = await this.store.dispatch(this.now, OFFER_TIMEOUT_MS, newId());
      const made = offer ? { interactionId: offer.interactionId, agentId: offer.agentId } : undefined;
      if (JSON.stringify(made) !== JSON.stringify(expected)) {
        throw new Error(`dispatch made ${JSON.stringify(made)}, expected ${JSON.stringify(expected)}`);
      }
      if (!offer) break;
      if (this.live.has(offer.interactionId)) throw new Error(`second live offer for ${offer.interactionId}`);
      this.live.set(offer.interactionId, offer);
      const agent = await this.store.getAgent(offer.agentId);
      const channel = channelOf(offer.interaction.firstMessage);
      const limit = agent?.capacityByChannel?.[channel] ?? agent?.capacity ?? 0;
      if (!agent || agent.load > agent.capacity || (agent.loadByChannel?.[channel] ?? agent.load) > limit) {
        throw new Error(`dispatch put ${offer.agentId} over its limits: ${JSON.stringify(agent)}`);
      }
    }
    await this.checkInvariants();
  }

  private async checkInvariants(): Promise<void> {
    for (const agent of await this.agents()) {
      if (!overLimits(agent)) this.lowered.delete(agent.agentId);
      else if (!this.lowered.has(agent.agentId)) throw new Error(`agent ${agent.agentId} over its limits: ${JSON.stringify(agent)}`);
    }
    for (const id of this.created) {
      const record = await this.store.getInteraction(id);
      if (record?.state === 'offered' && this.live.get(id)?.offerId !== record.offerId) {
        throw new Error(`interaction ${id} is offered as ${record.offerId ?? '?'}, not as its one live offer`);
      }
    }
    const violations = (await this.harness.violations?.()) ?? [];
    if (violations.length > 0) throw new Error(`store inconsistent: ${violations.join('; ')}`);
  }

  private async agents(): Promise<AgentRecord[]> {
    const records = await Promise.all(AGENTS.map((agentId) => this.store.getAgent(agentId)));
    return records.filter((record): record is AgentRecord => record !== undefined);
  }

  private async queued(): Promise<InteractionRecord[]> {
    const records = await Promise.all(this.created.map((id) => this.store.getInteraction(id)));
    return records.filter((record): record is InteractionRecord => record?.state === 'queued');
  }
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/**
 * Fair dispatch as a property, for any RoutingStore: for any sequence of arrivals (and follow-ups), presence
 * changes (limits, skills), declines, accepts, completions, offer timeouts and waits, each dispatch of one
 * router dispatch loop makes exactly the pair the records call for (so whenever a ready agent with room
 * may take a waiting interaction, an offer is made), no agent is ever over capacity (overall or in a
 * channel), an interaction has at most one live offer, and the adapter's own audit (if any) finds nothing.
 */
export function describeRoutingDispatchPropertyContract(
  name: string,
  factory: RoutingStoreFactory,
  settings: { numRuns: number; maxSteps: number },
): void {
  describe(`RoutingStore dispatch property: ${name}`, () => {
    it('offers within one dispatch loop whenever an agent may take waiting work, never over capacity, one live offer each', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: settings.maxSteps }), async (steps) => {
          const harness = await factory(OPTIONS);
          try {
            const run = new Run(harness);
            for (const step of steps) {
              await run.apply(step);
              await run.dispatchLoop();
            }
          } finally {
            await harness.dispose();
          }
        }),
        { numRuns: settings.numRuns },
      );
    });
  });
}
