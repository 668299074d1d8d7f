import { type AgentCommandPayload, type EventEnvelope } from '@perch/contracts';
import { createLogger, newId } from '@perch/platform';

import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { countingRoutingStore } from '../testing/counting-routing-store.fixtures';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const T0 = 1_700_000_000_000;

// What a routing step costs in store calls (one Lua script each in Redis): a dispatch the store's own answer says
// would find nothing is not made (RoutingStore.mayDispatchAfter).
describe('RouterService store calls', () => {
  let time: number;
  let calls: string[];
  let publisher: RecordingRouterPublisher;
  let router: RouterService;

  beforeEach(() => {
    time = T0;
    const counting = countingRoutingStore(new MemoryRoutingStore('acme'));
    calls = counting.calls;
    publisher = new RecordingRouterPublisher();
    router = new RouterService(counting.store, publisher, { now: () => (time += 1) }, createLogger('router-calls-test'), {
      tenant: 'acme',
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
    });
  });

  const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> => envelope({ commandId: newId(), ...payload });
  /** The calls the step made. */
  const step = async (run: () => Promise<void>): Promise<string[]> => {
    calls.length = 0;
    await run();
    return [...calls];
  };
  const lastOffer = (): { interactionId: string; offerId: string; agentId: string } => {
    const offered = publisher.lifecycle().filter((event) => event.payload.type === 'offered').at(-1)?.payload;
    if (offered?.offerId === undefined || offered.agentId === undefined) throw new Error('no offer');
    return { interactionId: offered.interactionId, offerId: offered.offerId, agentId: offered.agentId };
  };

  it('costs one dispatch for a created interaction offered at once, and none for its accept and completion', async () => {
    await router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 3 }));

    expect(await step(() => router.handleClassified(classifiedEvent(inboundMessage())))).toEqual(['upsertInteraction', 'dispatch']);
    const offer = lastOffer();
    expect(await step(() => router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: offer.interactionId, offerId: offer.offerId })))).toEqual(['accept']);
    expect(await step(() => router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: offer.interactionId })))).toEqual(['complete']);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'accepted alice', 'completed alice']);
  });

  it('makes no dispatch for an arrival nobody is free to take, and still says it is queued', async () => {
    expect(await step(() => router.handleClassified(classifiedEvent(inboundMessage())))).toEqual(['upsertInteraction']);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued']);

    // The agent's presence is the step that may offer it, and does, in one dispatch (nothing else waits).
    expect(await step(() => router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready' })))).toEqual(['setPresence', 'dispatch']);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'queued', 'offered alice']);
  });

  it('does not announce as queued an arrival that a concurrent step offered', async () => {
    const store = new MemoryRoutingStore('acme');
    // The second arrival's step is held between its upsert and its dispatch loop, while the first step's loop runs.
    let releaseSecond: () => void = () => undefined;
    const secondHeld = new Promise<void>((resolve) => (releaseSecond = resolve));
    let upserts = 0;
    const upsert = store.upsertInteraction.bind(store);
    store.upsertInteraction = async (...args: Parameters<MemoryRoutingStore['upsertInteraction']>) => {
      const result = await upsert(...args);
      upserts += 1;
      if (upserts === 2) await secondHeld;
      return result;
    };
    const racing = new RouterService(store, publisher, { now: () => (time += 1) }, createLogger('router-calls-test'), {
      tenant: 'acme',
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
    });
    await racing.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 2 }));

    const first = racing.handleClassified(classifiedEvent(inboundMessage()));
    const second = racing.handleClassified(classifiedEvent(inboundMessage()));
    await first;
    releaseSecond();
    await second;

    // Each offer carries its interaction's creation (ADR 0035): in order per interaction, which is all Kafka keeps.
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'created', 'offered alice']);
    expect(publisher.lifecycleMessages().map((event) => event.payload.type)).toEqual(['offered', 'offered']);
  });

  it('stops once the agents are full even with work still waiting', async () => {
    for (let i = 0; i < 3; i += 1) await router.handleClassified(classifiedEvent(inboundMessage()));

    expect(await step(() => router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 2 })))).toEqual([
      'setPresence',
      'dispatch',
      'dispatch',
    ]);
    expect(publisher.lifecycleSummary().filter((summary) => summary.startsWith('offered'))).toEqual(['offered alice', 'offered alice']);
  });

  it('still asks when work waits beside a free agent it may not fit, and dispatches what a completion frees', async () => {
    await router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 1 }));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    const first = lastOffer();
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: first.interactionId, offerId: first.offerId }));
    await router.handleClassified(classifiedEvent(inboundMessage()));
    await router.handleAgentCommand(command({ type: 'presence', agentId: 'bob', presence: 'ready', capacity: 2 }));
    const second = lastOffer();
    await router.handleAgentCommand(command({ type: 'decline', agentId: 'bob', interactionId: second.interactionId, offerId: second.offerId }));

    // Bob takes the new one and declined the waiting one, which waits beside him (room for one more): only a dispatch
    // can tell that nothing fits.
    expect(await step(() => router.handleClassified(classifiedEvent(inboundMessage())))).toEqual(['upsertInteraction', 'dispatch', 'dispatch']);
    expect(lastOffer().agentId).toBe('bob');
    // Alice's completion frees her slot for the interaction Bob declined.
    expect(await step(() => router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: first.interactionId })))).toEqual([
      'complete',
      'dispatch',
    ]);
    expect(lastOffer()).toMatchObject({ interactionId: second.interactionId, agentId: 'alice' });
  });
});
