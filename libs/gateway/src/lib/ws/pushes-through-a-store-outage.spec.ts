import { type EventEnvelope, type InteractionLifecyclePayload, type OutboundCompletedPayload, Topics } from '@perch/contracts';
import { type InteractionStore, MemoryInteractionStore, type TranscriptEntry } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { CustomerProfileService } from '@perch/outbound';
import { newId } from '@perch/platform';
import { MemoryRoutingStore } from '@perch/routing';

import { CLASSIFICATION, customerTweet, FakeUserLookup, PERCH_AIR, seedInteraction, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { AgentPushService } from './agent-push.service';
import { type AgentSocketHub } from './agent-socket-hub.service';
import { LocalViewCache } from './local-view-cache.service';
import { PushStoreGuard } from './push-store-guard.util';
import { type ServerMessage } from './ws-messages.types';

// CI found it: during a PostgreSQL outage the push consumer retried, in place, the push of an earlier reply's result
// (which writes its transcript entry first), and the offers behind it on the same consumer expired unseen. Pushes
// must reach the agent whatever the store does; the projector, in its own group, makes the same writes later.

const DEADLINE_MS = 50;
const RETRY_AFTER_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outage = 'refuses' | 'hangs' | null;

/**
 * The store as the push path sees it: calls refused (connection refused) or never answered while `outage` says so.
 * `written` holds the entries whose write has finished, to tell whether a push came after its write.
 */
function storeWithOutage(inner: InteractionStore): { store: InteractionStore; calls: string[]; written: Set<string>; set(outage: Outage): void } {
  let outage: Outage = null;
  const calls: string[] = [];
  const written = new Set<string>();
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push(String(name));
        if (outage === 'refuses') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        if (outage === 'hangs') return new Promise(() => undefined);
        const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
        if (name === 'upsertEntries') for (const entry of args[1] as TranscriptEntry[]) written.add(entry.entryId);
        return result;
      };
    },
  });
  return { store, calls, written, set: (next) => (outage = next) };
}

describe('Pushes to agents while the interaction store is down', () => {
  const router = new RecordingEventPublisher('router');
  const outbound = new RecordingEventPublisher('gateway');
  let inner: MemoryInteractionStore;
  let routing: MemoryRoutingStore;
  let faulty: ReturnType<typeof storeWithOutage>;
  let views: LocalViewCache;
  let pushed: ServerMessage[];
  let push: AgentPushService;
  const writtenWhenPushed = new Map<ServerMessage, boolean>();

  beforeEach(() => {
    inner = new MemoryInteractionStore();
    routing = new MemoryRoutingStore('unit');
    faulty = storeWithOutage(inner);
    views = new LocalViewCache();
    pushed = [];
    const hub: Pick<AgentSocketHub, 'isConnected' | 'send' | 'onConnected'> = {
      isConnected: (agentId) => agentId === 'ada',
      send: (_agentId, message) => {
        pushed.push(message);
        if ('entry' in message) writtenWhenPushed.set(message, faulty.written.has(message.entry.entryId));
        // One socket of the agent's got it.
        return 1;
      },
      onConnected: () => undefined,
    };
    const profiles = new CustomerProfileService({ xApi: new FakeUserLookup(), brands: [PERCH_AIR], options: UNIT_OPTIONS });
    const guard = new PushStoreGuard({ deadlineMs: DEADLINE_MS, retryAfterMs: RETRY_AFTER_MS });
    push = new AgentPushService(hub as AgentSocketHub, faulty.store, views, profiles, undefined, guard);
  });

  const lifecycle = (payload: InteractionLifecyclePayload): Promise<EventEnvelope<InteractionLifecyclePayload>> =>
    router.publish(Topics.InteractionLifecycle, payload, { correlationId: newId() });

  const replySent = (interactionId: string): Promise<EventEnvelope<OutboundCompletedPayload>> =>
    outbound.publish(
      Topics.OutboundCompleted,
      { commandId: newId(), kind: 'reply', status: 'sent', brandAccountId: PERCH_AIR.id, agentId: 'ada', interactionId, tweetId: String(Date.now()), text: '@dana sorry', completedAt: Date.now() },
      { correlationId: newId() },
    );

  function offered(interactionId = newId()): InteractionLifecyclePayload {
    const message = customerTweet('@PerchAir where is my bag?');
    return {
      interactionId,
      type: 'offered',
      conversationKey: message.conversationKey,
      brandAccountId: message.brandAccountId,
      priority: 1,
      agentId: 'ada',
      offerId: newId(),
      offerExpiresAt: new Date(Date.now() + 30_000).toISOString(),
      message,
      classification: CLASSIFICATION,
    };
  }

  it.each<Outage>(['refuses', 'hangs'])('pushes a reply’s result and then an offer when the store %s, without throwing', async (outage) => {
    const held = await seedInteraction({ store: inner, routing }, { agentId: 'ada' });
    faulty.set(outage);

    await push.onOutboundCompleted(await replySent(held.interactionId));
    await push.onLifecycle(await lifecycle(offered()));
    await push.onLifecycle(await lifecycle(offered()));

    expect(pushed.map((m) => m.type)).toEqual(['action-sent', 'offer', 'offer']);
    // The first push tried the store; the rest did not wait for it at all.
    expect(faulty.calls).toEqual(['upsertEntries']);
  });

  it('pushes a customer’s new message without waiting for the store, and the view it keeps has it', async () => {
    const held = await seedInteraction({ store: inner, routing }, { agentId: 'ada' });
    const seeded = await inner.get(held.interactionId);
    if (!seeded) throw new Error('seeded interaction missing');
    views.remember(seeded);
    faulty.set('hangs');
    const message = customerTweet('@PerchAir still nothing');
    const base = { interactionId: held.interactionId, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1, agentId: 'ada' };

    await push.onLifecycle(await lifecycle({ ...base, type: 'message-added', message, classification: CLASSIFICATION }));
    await push.onLifecycle(await lifecycle({ ...base, type: 'message-added', message: customerTweet('@PerchAir hello?'), classification: CLASSIFICATION }));

    expect(pushed.map((m) => m.type)).toEqual(['message-added', 'message-added']);
    expect(views.get(held.interactionId)?.transcript).toContainEqual(expect.objectContaining({ messageId: message.messageId }));
  });

  it('pushes an accept it cannot read the view of with what the event says, marked incomplete, and does not keep that partial view', async () => {
    faulty.set('refuses');
    const interactionId = newId();

    await push.onLifecycle(await lifecycle({ ...offered(interactionId), type: 'accepted', offerId: undefined, message: undefined, classification: undefined }));

    expect(pushed).toEqual([
      expect.objectContaining({ type: 'interaction-accepted', incomplete: true, interaction: expect.objectContaining({ id: interactionId, agentId: 'ada', state: 'active' }) }),
    ]);
    // Requests read the kept view first: a partial one would hide the stored transcript once the store is back.
    expect(views.get(interactionId)).toBeUndefined();
  });

  it('pushes an accept whose view it read from the store whole, not marked incomplete', async () => {
    const held = await seedInteraction({ store: inner, routing }, { agentId: 'ada' });
    const stored = await inner.get(held.interactionId);

    await push.onLifecycle(await lifecycle({ ...offered(held.interactionId), type: 'accepted', offerId: undefined, message: undefined, classification: undefined }));

    expect(pushed).toHaveLength(1);
    expect(pushed[0]).not.toHaveProperty('incomplete');
    expect(pushed[0]).toMatchObject({ type: 'interaction-accepted', interaction: { id: held.interactionId, firstMessage: stored?.firstMessage } });
  });

  it('writes entries before their push again once the store answers', async () => {
    const held = await seedInteraction({ store: inner, routing }, { agentId: 'ada' });
    faulty.set('refuses');
    await push.onOutboundCompleted(await replySent(held.interactionId));
    expect(pushed.map(isWrittenWhenPushed)).toEqual([false]);
    faulty.set(null);
    await sleep(RETRY_AFTER_MS + 30);
    // The first push after the delay tries the store in the background; it answers, so the next one waits for it.
    await push.onOutboundCompleted(await replySent(held.interactionId));
    await sleep(10);
    await push.onOutboundCompleted(await replySent(held.interactionId));

    const [duringOutage, probe, afterwards] = pushed.map(isWrittenWhenPushed);
    expect([duringOutage, afterwards]).toEqual([false, true]);
    // The probe's push did not wait for its write, which may or may not have finished first; it was written.
    expect(typeof probe).toBe('boolean');
    // The first entry is left to the projector (not run here); the probe's and the last one are in the store.
    expect((await inner.get(held.interactionId))?.transcript.filter((e) => e.kind === 'agent-action')).toHaveLength(2);
  });

  /** Whether the entry a push carries had been written when it was pushed (recorded by the hub below). */
  function isWrittenWhenPushed(message: ServerMessage): boolean | undefined {
    return writtenWhenPushed.get(message);
  }
});
