import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type InteractionLifecyclePayload } from '@perch/contracts';
import { newId, ValidationFailedError } from '@perch/platform';
import { QueueCounterRules, RedisQueueCounterStore } from '@perch/routing';
import { deleteRedisTenantKeys, serviceEnv } from '@perch/testing';
import { Redis } from 'ioredis';

import { CLASSIFICATION, customerTweet, lifecycleEvent } from '../testing/gateway-unit.fixtures';
import { InteractionSeriesRules } from './interaction-series-projector.domain';
import { PerStoreSupervisorFactsWriter } from './per-store-supervisor-facts-writer.adapter';
import { RedisInteractionSeriesStore } from './redis-interaction-series-store.adapter';
import { RedisSupervisorFactsWriter } from './redis-supervisor-facts-writer.adapter';
import { type SupervisorFacts, type SupervisorFactsOutcome, type SupervisorFactsWriter } from './supervisor-facts-writer.port';

const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const DAY = '2026-12-03';
const clock = { now: () => T0 + 60 * 60 * 1000 };

let redis: Redis;
const tenants: string[] = [];

beforeAll(() => {
  redis = new Redis(serviceEnv().redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  for (const tenant of tenants) await deleteRedisTenantKeys(redis, tenant);
  await redis.quit();
});

interface Side {
  counters: RedisQueueCounterStore;
  series: RedisInteractionSeriesStore;
  writer: SupervisorFactsWriter;
}

function side(kind: 'combined' | 'per-store'): Side {
  const tenant = `facts-${kind}-${randomUUID().slice(0, 8)}`;
  tenants.push(tenant);
  const counters = new RedisQueueCounterStore(redis, tenant);
  const series = new RedisInteractionSeriesStore(redis, tenant);
  const writer = kind === 'combined' ? new RedisSupervisorFactsWriter(redis, counters, series) : new PerStoreSupervisorFactsWriter(counters, series);
  return { counters, series, writer };
}

// What each event counts, as the gateway's consumer asks the rules.
const counterRules = new QueueCounterRules({ serviceLevelMs: 60_000, clock });
const seriesRules = new InteractionSeriesRules({ clock });

function factsOf(event: EventEnvelope<InteractionLifecyclePayload>): SupervisorFacts {
  const counter = counterRules.factOf(event);
  const series = seriesRules.factOf(event);
  return { ...(counter ? { counter } : {}), ...(series ? { series } : {}) };
}

function event(interactionId: string, type: InteractionLifecyclePayload['type'], at: number, extra: Partial<InteractionLifecyclePayload> = {}): EventEnvelope<InteractionLifecyclePayload> {
  return lifecycleEvent(interactionId, type, at, { channel: 'public', interactionCreatedAt: new Date(T0).toISOString(), ...extra });
}

/** A day of lifecycle events with redeliveries and republished events, in a fixed pseudo-random order. */
function dayOfEvents(): EventEnvelope<InteractionLifecyclePayload>[] {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const events: EventEnvelope<InteractionLifecyclePayload>[] = [];
  for (let i = 0; i < 60; i += 1) {
    const id = newId();
    const at = T0 + Math.floor(random() * 50 * 60_000);
    const skill = random() < 0.5 ? { requiredSkill: 'billing' } : {};
    const sentiment = (['positive', 'negative', 'neutral', 'undeclared'] as const)[i % 4] ?? 'neutral';
    events.push(event(id, 'created', at, { ...skill, message: customerTweet(), classification: { ...CLASSIFICATION, sentiment } }));
    const offerId = newId();
    events.push(event(id, 'offered', at + 500, { ...skill, agentId: 'ada', offerId }));
    if (random() < 0.2) {
      events.push(event(id, 'declined', at + 3_000, { ...skill, agentId: 'ada', offerId }));
      events.push(event(id, 'completed', at + 9_000, { ...skill }));
      continue;
    }
    const accepted = event(id, 'accepted', at + Math.floor(random() * 120_000), { ...skill, agentId: 'ada' });
    events.push(accepted);
    // A redelivery (same event) and a republished one (new event id, later): each counts nothing more.
    if (random() < 0.3) events.push(accepted, { ...accepted, eventId: newId(), occurredAt: new Date(Date.parse(accepted.occurredAt) + 1).toISOString() });
    events.push(event(id, 'completed', Date.parse(accepted.occurredAt) + 30_000, { ...skill, agentId: 'ada' }));
  }
  return events;
}

async function readBack(s: Side): Promise<unknown> {
  return { counts: await s.counters.countsOn(DAY), buckets: await s.series.bucketsBetween(T0, T0 + 2 * 60 * 60 * 1000) };
}

describe('RedisSupervisorFactsWriter', () => {
  it('counts a day of events (redeliveries and republished events among them) exactly as each store writing its own fact does', async () => {
    const combined = side('combined');
    const perStore = side('per-store');
    const outcomes: [SupervisorFactsOutcome, SupervisorFactsOutcome][] = [];
    for (const e of dayOfEvents()) {
      const facts = factsOf(e);
      outcomes.push([await combined.writer.record(facts), await perStore.writer.record(facts)]);
    }
    for (const [mine, theirs] of outcomes) expect(mine).toEqual(theirs);
    const counted = await readBack(combined);
    expect(counted).toEqual(await readBack(perStore));
    // Not two empty reads agreeing: the day counted something of every kind.
    const totals = (await combined.counters.countsOn(DAY)).reduce((sum, { counts }) => sum + counts.offered + counts.answered + counts.abandoned, 0);
    expect(totals).toBeGreaterThan(60);
  });

  it('writes an event with both facts in one Redis call, and one with a single fact in one call too', async () => {
    const combined = side('combined');
    const id = newId();
    const evalsha = jest.spyOn(redis, 'evalsha');
    try {
      await combined.writer.record(factsOf(event(id, 'created', T0 + 1_000, { message: customerTweet(), classification: CLASSIFICATION })));
      expect(evalsha).toHaveBeenCalledTimes(1);
      await combined.writer.record(factsOf(event(id, 'offered', T0 + 2_000, { agentId: 'ada', offerId: newId() })));
      expect(evalsha).toHaveBeenCalledTimes(2);
    } finally {
      evalsha.mockRestore();
    }
    const [day] = await combined.counters.countsOn(DAY);
    expect(day?.counts).toMatchObject({ offered: 1, agentOffers: 1 });
    const [bucket] = await combined.series.bucketsBetween(T0, T0 + 5 * 60_000);
    expect(bucket?.counts).toMatchObject({ created: 1, 'sentiment:negative': 1, 'actionability:actionable': 1 });
  });

  it('writes the events recorded together in a few calls, each resolving with its own outcome, as each store writing its own facts in turn would', async () => {
    const combined = side('combined');
    const perStore = side('per-store');
    const facts = dayOfEvents().map(factsOf);
    const evalsha = jest.spyOn(redis, 'evalsha');
    let calls: number;
    let together: SupervisorFactsOutcome[];
    try {
      together = await Promise.all(facts.map((f) => combined.writer.record(f)));
      calls = evalsha.mock.calls.length;
    } finally {
      evalsha.mockRestore();
    }
    const inTurn: SupervisorFactsOutcome[] = [];
    for (const f of facts) inTurn.push(await perStore.writer.record(f));
    expect(together).toEqual(inTurn);
    expect(await readBack(combined)).toEqual(await readBack(perStore));
    // 200-odd events, at most 100 a call.
    expect(facts.length).toBeGreaterThan(200);
    expect(calls).toBeLessThanOrEqual(Math.ceil(facts.length / 100));
  });

  it('refuses a bad fact alone: the events recorded with it are written', async () => {
    const combined = side('combined');
    const good = factsOf(event(newId(), 'created', T0 + 1_000, { message: customerTweet(), classification: CLASSIFICATION }));
    const other = factsOf(event(newId(), 'created', T0 + 2_000, { message: customerTweet(), classification: CLASSIFICATION }));
    if (!good.counter || !good.series) throw new Error('a creation has both facts');
    const bad: SupervisorFacts = { counter: good.counter, series: { ...good.series, add: { created: -1 } } };
    const [first, refused, last] = await Promise.allSettled([combined.writer.record(good), combined.writer.record(bad), combined.writer.record(other)]);
    expect(first).toEqual({ status: 'fulfilled', value: { counter: 'counted', series: true } });
    expect(refused?.status === 'rejected' && refused.reason instanceof ValidationFailedError).toBe(true);
    expect(last).toEqual({ status: 'fulfilled', value: { counter: 'counted', series: true } });
    const [day] = await combined.counters.countsOn(DAY);
    expect(day?.counts.offered).toBe(2);
  });

  it('fails alone an event whose keys Redis refuses (its marks of the wrong type): the events written with it are counted', async () => {
    const combined = side('combined');
    const broken = factsOf(event(newId(), 'created', T0 + 1_000, { message: customerTweet(), classification: CLASSIFICATION }));
    if (!broken.counter) throw new Error('a creation has a counter fact');
    // The interaction's marks made a string: Redis answers WRONGTYPE for that event at every try, before it marks anything.
    await redis.set(combined.counters.recordCall(broken.counter).keys[0] ?? '', 'not a hash');
    const fine = [1, 2, 3].map((i) => factsOf(event(newId(), 'created', T0 + i * 2_000, { message: customerTweet(), classification: CLASSIFICATION })));
    const [before, refused, ...after] = await Promise.allSettled([
      combined.writer.record(fine[0] ?? {}),
      combined.writer.record(broken),
      ...fine.slice(1).map((f) => combined.writer.record(f)),
    ]);
    expect(refused?.status === 'rejected' ? String(refused.reason) : refused).toMatch(/WRONGTYPE/);
    // Written once each: the first, in the batch the refusal stopped, is answered as already counted when written again.
    expect(before).toEqual({ status: 'fulfilled', value: { counter: 'duplicate', series: false } });
    expect(after).toEqual(fine.slice(1).map(() => ({ status: 'fulfilled', value: { counter: 'counted', series: true } })));
    const [day] = await combined.counters.countsOn(DAY);
    expect(day?.counts.offered).toBe(3);
  });

  it('keeps the stores\' own keys: a fact a store counted on its own (a gateway before this change) is a duplicate for the combined call', async () => {
    const combined = side('combined');
    const id = newId();
    const accepted = factsOf(event(id, 'accepted', T0 + 10_000, { agentId: 'ada' }));
    if (!accepted.counter || !accepted.series) throw new Error('an accept has both facts');
    await combined.counters.record(accepted.counter);
    await combined.series.record(accepted.series);
    expect(await combined.writer.record(accepted)).toEqual({ counter: 'duplicate', series: false });
    const [day] = await combined.counters.countsOn(DAY);
    expect(day?.counts.answered).toBe(1);
  });

  it('applies the counter\'s conditions inside the combined call: an end after an answer is not abandoned, the series still counts it', async () => {
    const combined = side('combined');
    const id = newId();
    await combined.writer.record(factsOf(event(id, 'created', T0 + 1_000, { message: customerTweet(), classification: CLASSIFICATION })));
    await combined.writer.record(factsOf(event(id, 'accepted', T0 + 5_000, { agentId: 'ada' })));
    expect(await combined.writer.record(factsOf(event(id, 'completed', T0 + 9_000, { agentId: 'ada' })))).toEqual({ counter: 'not-counted', series: true });
    const [day] = await combined.counters.countsOn(DAY);
    expect(day?.counts).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
  });

  it('refuses a bad fact before writing either part, naming the field', async () => {
    const combined = side('combined');
    const facts = factsOf(event(newId(), 'created', T0 + 1_000, { message: customerTweet(), classification: CLASSIFICATION }));
    if (!facts.counter || !facts.series) throw new Error('a creation has both facts');
    const bad: SupervisorFacts = { counter: facts.counter, series: { ...facts.series, add: { created: -1 } } };
    const refused = await combined.writer.record(bad).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationFailedError);
    expect((refused as ValidationFailedError).problems).toEqual([{ field: 'add.created', messages: ['must be a non-negative integer'] }]);
    expect(await combined.counters.countsOn(DAY)).toEqual([]);
  });

  it('refuses stores of two tenants (one script cannot reach both on a cluster, and the counts would split)', () => {
    const a = side('combined');
    const b = side('combined');
    expect(() => new RedisSupervisorFactsWriter(redis, a.counters, b.series)).toThrow(/must share a tenant/);
  });
});
