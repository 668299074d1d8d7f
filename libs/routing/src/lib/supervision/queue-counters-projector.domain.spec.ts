import { type EventEnvelope, type InteractionLifecyclePayload } from '@perch/contracts';
import { newId } from '@perch/platform';

import { envelope, inboundMessage } from '../testing/routing.fixtures';
import { MemoryQueueCounterStore } from './memory-queue-counter-store.adapter';
import { type QueueCounts } from './queue-counter-store.port';
import { counterFactOf, QueueCounterRules } from './queue-counters-projector.domain';

const SL_MS = 60_000;
const CREATED_AT = Date.parse('2026-12-03T10:00:00.000Z');

describe('QueueCounterRules, with a counter store', () => {
  let now: number;
  let store: MemoryQueueCounterStore;
  /** The rules' fact for an event, recorded in the store: true when it changed a counter. */
  let projector: { apply(event: EventEnvelope<InteractionLifecyclePayload>): Promise<boolean> };

  beforeEach(() => {
    now = CREATED_AT + 10 * 60_000;
    store = new MemoryQueueCounterStore({}, { now: () => now });
    const rules = new QueueCounterRules({ serviceLevelMs: SL_MS, clock: { now: () => now } });
    projector = {
      apply: async (event) => {
        const fact = rules.factOf(event);
        return fact ? (await store.record(fact)) === 'counted' : false;
      },
    };
  });

  function event(
    interactionId: string,
    type: InteractionLifecyclePayload['type'],
    atMs: number,
    extra: Partial<InteractionLifecyclePayload> = {},
  ): EventEnvelope<InteractionLifecyclePayload> {
    return envelope<InteractionLifecyclePayload>(
      {
        interactionId,
        type,
        conversationKey: '1000:1',
        brandAccountId: '1000',
        priority: 1,
        channel: 'public',
        interactionCreatedAt: new Date(CREATED_AT).toISOString(),
        ...extra,
      },
      { occurredAt: new Date(atMs).toISOString() },
    );
  }

  async function counts(day = '2026-12-03'): Promise<Record<string, Partial<QueueCounts>>> {
    const out: Record<string, Partial<QueueCounts>> = {};
    for (const { queue, counts: all } of await store.countsOn(day)) {
      out[`${queue.channel}/${queue.skill ?? '*'}`] = Object.fromEntries(Object.entries(all).filter(([, n]) => n > 0));
    }
    return out;
  }

  it('counts an arrival as offered to its queue, and an accept within the threshold toward the service level', async () => {
    const id = newId();
    await projector.apply(event(id, 'created', CREATED_AT, { requiredSkill: 'billing' }));
    await projector.apply(event(id, 'offered', CREATED_AT + 1_000, { requiredSkill: 'billing', agentId: 'ada', offerId: newId() }));
    await projector.apply(event(id, 'accepted', CREATED_AT + 45_000, { requiredSkill: 'billing', agentId: 'ada' }));
    expect(await counts()).toEqual({ 'public/billing': { offered: 1, agentOffers: 1, answered: 1, answeredWithinSl: 1, answerMsTotal: 45_000 } });
  });

  it('counts an accept past the threshold as answered, not within the service level; exactly at it, within', async () => {
    const late = newId();
    const onTheDot = newId();
    await projector.apply(event(late, 'accepted', CREATED_AT + SL_MS + 1, { agentId: 'ada' }));
    await projector.apply(event(onTheDot, 'accepted', CREATED_AT + SL_MS, { agentId: 'bob' }));
    expect(await counts()).toEqual({ 'public/*': { answered: 2, answeredWithinSl: 1, answerMsTotal: 2 * SL_MS + 1 } });
  });

  it('counts an interaction answered once, whether its accept is redelivered or republished under a new event id', async () => {
    const id = newId();
    const accepted = event(id, 'accepted', CREATED_AT + 5_000, { agentId: 'ada' });
    await projector.apply(accepted);
    await projector.apply(accepted);
    await projector.apply({ ...accepted, eventId: newId() });
    expect(await counts()).toEqual({ 'public/*': { answered: 1, answeredWithinSl: 1, answerMsTotal: 5_000 } });
  });

  it('counts each offer, decline and timeout once per offer', async () => {
    const id = newId();
    const first = newId();
    const second = newId();
    for (const step of [
      event(id, 'offered', CREATED_AT, { agentId: 'ada', offerId: first }),
      event(id, 'declined', CREATED_AT + 1, { agentId: 'ada', offerId: first }),
      event(id, 'declined', CREATED_AT + 1, { agentId: 'ada', offerId: first }),
      event(id, 'offered', CREATED_AT + 2, { agentId: 'bob', offerId: second }),
      event(id, 'offer-timed-out', CREATED_AT + 3, { agentId: 'bob', offerId: second }),
    ]) {
      await projector.apply(step);
    }
    expect(await counts()).toEqual({ 'public/*': { agentOffers: 2, agentDeclines: 1, agentTimeouts: 1 } });
  });

  it('counts as abandoned an interaction that ends without ever being accepted, and never one that was', async () => {
    const answered = newId();
    const abandoned = newId();
    const unseen = newId();
    await projector.apply(event(answered, 'created', CREATED_AT));
    await projector.apply(event(answered, 'accepted', CREATED_AT + 1_000, { agentId: 'ada' }));
    await projector.apply(event(answered, 'completed', CREATED_AT + 9_000, { agentId: 'ada' }));
    await projector.apply(event(abandoned, 'created', CREATED_AT));
    await projector.apply(event(abandoned, 'completed', CREATED_AT + 9_000));
    await projector.apply(event(abandoned, 'completed', CREATED_AT + 9_001));
    // Its creation was before this projector's time: whether it was accepted is unknown, so it is not judged.
    await projector.apply(event(unseen, 'completed', CREATED_AT + 9_000, { agentId: 'ada' }));
    expect(await counts()).toEqual({ 'public/*': { offered: 2, answered: 1, answeredWithinSl: 1, answerMsTotal: 1_000, abandoned: 1 } });
  });

  it('counts nothing for queued and message-added', async () => {
    const id = newId();
    expect(await projector.apply(event(id, 'queued', CREATED_AT))).toBe(false);
    expect(await projector.apply(event(id, 'message-added', CREATED_AT, { message: inboundMessage() }))).toBe(false);
    expect(await counts()).toEqual({});
  });

  it('counts nothing for the conference steps: a guest joining is not the interaction answered again', async () => {
    const id = newId();
    const steps = ['conference-offered', 'conference-joined', 'conference-declined', 'conference-timed-out', 'conference-left', 'conference-handed-over'] as const;
    for (const type of steps) {
      expect(await projector.apply(event(id, type, CREATED_AT, { agentId: 'bob', fromAgentId: 'ada', conferenceAgentIds: ['bob'] }))).toBe(false);
    }
    expect(await counts()).toEqual({});
  });

  it('places each event on the UTC day it happened', async () => {
    const id = newId();
    await projector.apply(event(id, 'created', Date.parse('2026-12-03T23:59:59.999Z')));
    await projector.apply(event(id, 'accepted', Date.parse('2026-12-04T00:00:00.000Z'), { agentId: 'ada' }));
    expect(await counts('2026-12-03')).toEqual({ 'public/*': { offered: 1 } });
    expect(await counts('2026-12-04')).toMatchObject({ 'public/*': { answered: 1 } });
  });

  it('skips events older than its horizon, so a replay from the earliest offset fills no stale day', async () => {
    now = CREATED_AT + 3 * 24 * 60 * 60 * 1000;
    expect(await projector.apply(event(newId(), 'created', CREATED_AT))).toBe(false);
    expect(await counts()).toEqual({});
  });

  it('places events from before the queue fields by their message, and times no answer it cannot', () => {
    const dm = inboundMessage({ kind: 'dm' });
    const old = event(newId(), 'created', CREATED_AT, { message: dm });
    delete old.payload.channel;
    expect(counterFactOf(old, SL_MS)).toMatchObject({ queue: { channel: 'dm' }, mark: 'created', add: { offered: 1 } });
    const accepted = event(newId(), 'accepted', CREATED_AT + 1_000, { agentId: 'ada' });
    delete accepted.payload.interactionCreatedAt;
    expect(counterFactOf(accepted, SL_MS)).toMatchObject({ add: { answered: 1 } });
    expect(counterFactOf(accepted, SL_MS)?.add).toEqual({ answered: 1 });
  });

  it('refuses a service level that is not a positive number of ms', () => {
    expect(() => new QueueCounterRules({ serviceLevelMs: 0 })).toThrow(/serviceLevelMs|service level/);
    expect(() => new QueueCounterRules({ serviceLevelMs: 1.5 })).toThrow(/serviceLevelMs|service level/);
  });
});
