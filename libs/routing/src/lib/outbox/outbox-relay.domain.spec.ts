import { type EventEnvelope, type PayloadOf, Topics, type TopicName } from '@perch/contracts';
import { type PublishContext } from '@perch/messaging';
import { createLogger, newId } from '@perch/platform';

import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { type RoutingStore } from '../store/routing-store.port';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { upsertInput } from '../testing/routing.fixtures';
import { OutboxRelay } from './outbox-relay.domain';
import { outboxEventId } from './routing-events.util';

const T0 = 1_700_000_000_000;
const logger = createLogger('outbox-relay-spec');

/** Refuses to publish while `failing` is set, like a broker that is down. */
class FlakyPublisher extends RecordingRouterPublisher {
  failing = false;

  override async publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, context: PublishContext): Promise<EventEnvelope<PayloadOf<T>>> {
    if (this.failing) throw new Error('broker unreachable');
    return super.publish(topic, payload, context);
  }
}

describe('OutboxRelay', () => {
  // Through the port: the memory store's outbox wrappers take the trace the port declares.
  let store: RoutingStore;
  let publisher: FlakyPublisher;

  beforeEach(() => {
    store = new MemoryRoutingStore('relay-spec');
    publisher = new FlakyPublisher();
  });

  const relay = (relayId: string, reclaimIdleMs = 60_000): OutboxRelay =>
    new OutboxRelay(store, publisher, logger, { tenant: 'relay-spec', offerTimeoutMs: 30_000, relayId, reclaimIdleMs });

  it('publishes recorded changes in the order they were made, with ids derived from each change, then acknowledges them', async () => {
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 }, { causationId: 'cmd-1', correlationId: 'corr-1' });
    await store.upsertInteraction(upsertInput(T0 + 1), { causationId: 'msg-1' });
    await store.dispatch(T0 + 2, 30_000, newId(), { causationId: 'msg-1' });
    // Read first to know their ids: taken, so the relay publishes them through a reclaim.
    const [presence, upsert, dispatch] = await store.claimChanges({ relayId: 'relay-a', limit: 10 });

    await relay('relay-a', 0).reclaim();

    expect(publisher.agentStateSummary()).toEqual(['ada ready by agent']);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered ada']);
    expect(publisher.agentStates()[0]).toMatchObject({ eventId: outboxEventId('relay-spec', presence?.id ?? '', 0), correlationId: 'corr-1', causationId: 'cmd-1' });
    expect(publisher.lifecycle().map((e) => e.eventId)).toEqual([
      outboxEventId('relay-spec', upsert?.id ?? '', 0),
      outboxEventId('relay-spec', dispatch?.id ?? '', 0),
    ]);
    expect(publisher.lifecycle().map((e) => e.causationId)).toEqual(['msg-1', 'msg-1']);
    expect(await store.pendingChanges()).toBe(0);
  });

  it('announces an interaction created and offered in one batch with one message, which consumers read as both events', async () => {
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    await store.upsertInteraction(upsertInput(T0 + 1), { causationId: 'msg-1' });
    await store.dispatch(T0 + 2, 30_000, newId(), { causationId: 'msg-1' });
    const [, upsert, dispatch] = await store.claimChanges({ relayId: 'relay-a', limit: 10 });
    const shared = relay('relay-a', 0);

    await shared.reclaim();

    const [message] = publisher.lifecycleMessages();
    expect(publisher.lifecycleMessages()).toHaveLength(1);
    expect(message).toMatchObject({ eventId: outboxEventId('relay-spec', dispatch?.id ?? '', 0), causationId: 'msg-1' });
    expect(message?.payload).toMatchObject({ type: 'offered', agentId: 'ada', creation: { eventId: outboxEventId('relay-spec', upsert?.id ?? '', 0), causationId: 'msg-1' } });
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered ada']);
    expect(shared.counters).toMatchObject({ changes: 3, events: 2, folded: 1 });
    expect(await store.pendingChanges()).toBe(0);
  });

  it("holds a creation another step's flush took until its own step flushes, then sends it on its offer", async () => {
    const shared = relay('relay-a');
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    const input = upsertInput(T0 + 1);
    await store.upsertInteraction(input);
    const release = shared.holdCreation(input.interactionIdIfNew);

    await shared.flush();
    expect(publisher.agentStateSummary()).toEqual(['ada ready by agent']);
    expect(publisher.lifecycleMessages()).toHaveLength(0);
    expect(await store.pendingChanges()).toBe(1);

    await store.dispatch(T0 + 2, 30_000, newId());
    release();
    await shared.flush();
    expect(publisher.lifecycleMessages().map((event) => event.payload.type)).toEqual(['offered']);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered ada']);
    expect(await store.pendingChanges()).toBe(0);
  });

  it('sends a held creation alone once released without an offer, and at once when its interaction changed again', async () => {
    const shared = relay('relay-a');
    const waiting = upsertInput(T0);
    await store.upsertInteraction(waiting);
    const release = shared.holdCreation(waiting.interactionIdIfNew);
    await shared.flush();
    expect(publisher.lifecycleMessages()).toHaveLength(0);
    release();
    await shared.flush();
    expect(publisher.lifecycleSummary()).toEqual(['created']);

    // Held, but a later change of the same interaction is in the batch: order comes first.
    publisher.clear();
    const other = upsertInput(T0 + 1);
    await store.upsertInteraction(other);
    shared.holdCreation(other.interactionIdIfNew);
    await store.upsertInteraction(upsertInput(T0 + 2, { message: { ...other.message, messageId: '1790000000000000999', text: 'still there?' } }));
    await shared.flush();
    expect(publisher.lifecycleSummary()).toEqual(['created', 'message-added']);
    expect(await store.pendingChanges()).toBe(0);
  });

  it('plans a held creation once when its own reclaim takes it again, and sends it once released', async () => {
    const shared = relay('relay-a', 0);
    const input = upsertInput(T0);
    await store.upsertInteraction(input);
    const release = shared.holdCreation(input.interactionIdIfNew);
    await shared.flush();
    // Held past reclaimIdleMs (0 here): the reclaim claims the same change again.
    await shared.reclaim();
    expect(publisher.lifecycleMessages()).toHaveLength(0);
    release();
    await shared.flush();
    expect(publisher.lifecycleSummary()).toEqual(['created']);
    expect(await store.pendingChanges()).toBe(0);
  });

  it('keeps changes it could not publish, and a reclaim publishes them again with the same event ids', async () => {
    const first = relay('relay-a', 0);
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    publisher.failing = true;
    await expect(first.flush()).rejects.toThrow('broker unreachable');
    expect(await store.pendingChanges()).toBe(1);

    publisher.failing = false;
    // Taken by relay-a and never acknowledged: a flush (new changes only) does not see it, a reclaim does.
    await relay('relay-b').flush();
    expect(publisher.agentStates()).toHaveLength(0);
    await relay('relay-b', 0).reclaim();
    expect(publisher.agentStateSummary()).toEqual(['ada ready by agent']);
    expect(await store.pendingChanges()).toBe(0);
  });

  it('gives a copy the id of the original: a change published twice is one event to its consumers', async () => {
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    const [change] = await store.claimChanges({ relayId: 'dead', limit: 10 });
    if (!change) throw new Error('expected a change');
    // A relay that published and died before acknowledging, then another that takes over.
    const published = publisher.publish(Topics.AgentState, { agentId: 'ada', state: 'ready', since: new Date(T0).toISOString(), cause: 'agent', capacity: 1, load: 0, loadByChannel: { public: 0, dm: 0 } }, {
      correlationId: 'ada',
      eventId: outboxEventId('relay-spec', change.id, 0),
    });
    await published;
    await relay('relay-b', 0).reclaim();
    const ids = publisher.agentStates().map((e) => e.eventId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('dead-letters a change whose events break their contract and goes on with the rest', async () => {
    const deadLetters: string[] = [];
    const withDeadLetters = new OutboxRelay(store, publisher, logger, {
      tenant: 'relay-spec',
      offerTimeoutMs: 30_000,
      relayId: 'relay-a',
      deadLetter: async (topic, record) => void deadLetters.push(`${topic}: ${record.reason}`),
    });
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    await store.upsertInteraction(upsertInput(T0 + 1));
    // Not a UUID: its 'offered' event breaks the lifecycle contract, it can never be published.
    await store.dispatch(T0 + 2, 30_000, 'not-a-uuid');
    await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 3 });
    await withDeadLetters.flush();
    expect(publisher.lifecycleSummary()).toEqual(['created']);
    expect(publisher.agentStateSummary()).toEqual(['ada ready by agent', 'bob ready by agent']);
    expect(deadLetters).toEqual([expect.stringMatching(/^routing\.interaction\.v1: .*offerId/)]);
    expect(withDeadLetters.counters).toMatchObject({ invalid: 1, changes: 4 });
    expect(await store.pendingChanges()).toBe(0);
  });

  it('runs one flush at a time per process, and a flush asked for meanwhile sees every change made before it', async () => {
    const shared = relay('relay-a');
    await store.setPresence({ agentId: 'ada', state: 'ready', now: T0 });
    const first = shared.flush();
    await store.setPresence({ agentId: 'bob', state: 'ready', now: T0 + 1 });
    const second = shared.flush();
    const third = shared.flush();
    await Promise.all([first, second, third]);
    expect(publisher.agentStateSummary()).toEqual(['ada ready by agent', 'bob ready by agent']);
    expect(shared.counters).toMatchObject({ changes: 2, events: 2 });
  });
});
