import { type AgentCommandPayload, type EventEnvelope } from '@perch/contracts';
import { createLogger, newId } from '@perch/platform';

import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { type RoutingStore } from '../store/routing-store.port';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

/** Every store call answers after a few ms, in no set order, as Redis does under load: steps interleave. */
function slowStore(store: RoutingStore, seed: number): RoutingStore {
  let state = seed;
  const nextDelay = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % 3;
  };
  return new Proxy(store, {
    get: (target, property, receiver) => {
      const value: unknown = Reflect.get(target, property, receiver);
      // mayDispatchAfter reads what the call before it left, synchronously: only the store's calls are delayed.
      if (typeof value !== 'function' || property === 'mayDispatchAfter') return value;
      const method = value as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, nextDelay()));
        return method.apply(target, args);
      };
    },
  });
}

// ADR 0035: an interaction created and offered by the router is announced by one message, even when hundreds of
// steps interleave and the outbox is read in full batches.
describe('RouterService announcing creations with their offers', () => {
  const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> => envelope({ commandId: newId(), ...payload });

  it.each([1, 2, 3])('sends one message per tweet when 300 arrivals are routed at once to free agents (seed %i)', async (seed) => {
    let time = 1_700_000_000_000;
    const publisher = new RecordingRouterPublisher();
    const router = new RouterService(slowStore(new MemoryRoutingStore('acme'), seed), publisher, { now: () => (time += 1) }, createLogger('fold-spec'), {
      tenant: 'acme',
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
    });
    for (let i = 0; i < 10; i += 1) await router.handleAgentCommand(command({ type: 'presence', agentId: `agent-${i}`, presence: 'ready', capacity: 50 }));

    await Promise.all(Array.from({ length: 300 }, () => router.handleClassified(classifiedEvent(inboundMessage()))));

    const messages = publisher.lifecycleMessages();
    expect(messages).toHaveLength(300);
    expect(messages.every((event) => event.payload.type === 'offered' && event.payload.creation !== undefined)).toBe(true);
    // As consumers read them: each interaction created, then offered, once.
    const seen = new Map<string, string[]>();
    for (const { payload } of publisher.lifecycle()) seen.set(payload.interactionId, [...(seen.get(payload.interactionId) ?? []), payload.type]);
    expect(seen.size).toBe(300);
    expect([...seen.values()].every((types) => types.join() === 'created,offered')).toBe(true);
    expect(router.relay.counters).toMatchObject({ folded: 300 });
  });

  it('announces arrivals nobody can take at once, alone, however many come together', async () => {
    let time = 1_700_000_000_000;
    const publisher = new RecordingRouterPublisher();
    const router = new RouterService(slowStore(new MemoryRoutingStore('acme'), 7), publisher, { now: () => (time += 1) }, createLogger('fold-spec'), {
      tenant: 'acme',
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
    });

    await Promise.all(Array.from({ length: 600 }, () => router.handleClassified(classifiedEvent(inboundMessage()))));

    const types = publisher.lifecycle().map(({ payload }) => payload.type);
    expect(types.filter((type) => type === 'created')).toHaveLength(600);
    expect(types.filter((type) => type === 'offered')).toHaveLength(0);
  });
});
