import { randomUUID } from 'node:crypto';

import { Topics } from '@perch/contracts';
import { type InteractionLifecyclePayload } from '@perch/contracts';
import { headerUpdateFromLifecycle, PostgresInteractionStore } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { CustomerProfileService } from '@perch/outbound';
import { type SqlClient } from '@perch/sql';
import { pgliteSpecSchemas } from '@perch/sql/testing';
import { MemoryRoutingStore, RoutingStoreAgentStateReader, RoutingStoreAssignmentReader } from '@perch/routing';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { agentProfile, CLASSIFICATION, customerTweet, FakeUserLookup, PERCH_AIR, seedInteraction, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { type AgentSocketHub } from '../ws/agent-socket-hub.service';
import { AgentPushService } from '../ws/agent-push.service';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { type ServerMessage } from '../ws/ws-messages.types';
import { HolderChecks } from './holder-checks.service';
import { InteractionQueryService } from './interaction-query.service';
import { OutboundActionsService } from './outbound-actions.service';

// Issue 12: agents waited on the projection's write chain. Here the projection's flush of another interaction is held
// open (as under load, when a flush takes long): accept and reply must still answer, on the PostgreSQL adapter.
// Opening PGlite (WASM) takes seconds, far more on a busy machine.
jest.setTimeout(120_000);
// The held flush never ends by itself: any bound tells "done beside it" from "queued behind it"; a generous one
// keeps a busy machine from failing the test.
const HELD_MS = 10_000;
const pglite = pgliteSpecSchemas('gateway_slow_projection');
afterAll(() => pglite.close());

describe('Accept and reply beside a slow projection', () => {
  const ada = agentProfile('ada');
  let dispose: () => Promise<void>;
  let gate: HeldTransactions;
  let store: PostgresInteractionStore;
  let routing: MemoryRoutingStore;
  let bus: RecordingEventPublisher;
  let commands: AgentCommandsService;
  let actions: OutboundActionsService;
  let profiles: CustomerProfileService;
  let release: (() => void) | undefined;

  beforeEach(async () => {
    const harness = await pglite.next();
    dispose = harness.dispose;
    gate = new HeldTransactions(harness.sql);
    store = new PostgresInteractionStore({ sql: gate, schema: harness.schema });
    await store.start();
    routing = new MemoryRoutingStore('unit');
    bus = new RecordingEventPublisher('gateway');
    const holders = new HolderChecks(new RoutingStoreAssignmentReader(routing), store, UNIT_OPTIONS);
    const queries = new InteractionQueryService(store, UNIT_OPTIONS, new LocalViewCache(), holders);
    commands = new AgentCommandsService(bus, holders, { getAgent: () => null }, new RoutingStoreAgentStateReader(routing));
    profiles = new CustomerProfileService({ xApi: new FakeUserLookup(), brands: [PERCH_AIR], options: UNIT_OPTIONS });
    actions = new OutboundActionsService(bus, store, [PERCH_AIR], UNIT_OPTIONS, queries, profiles);
  });

  afterEach(async () => {
    release?.();
    release = undefined;
    await store.stop();
    await dispose();
  });

  /** The projector writing another interaction, its transaction held open until `release`. */
  async function slowProjection(): Promise<{ written: Promise<void> }> {
    release = gate.hold();
    const payload: InteractionLifecyclePayload = { interactionId: randomUUID(), type: 'created', conversationKey: '1001:1', brandAccountId: '1001', priority: 1 };
    const written = store.applyHeader(headerUpdateFromLifecycle(payload, Date.now(), 'corr-other'));
    await waitUntil(() => gate.begun > 0);
    // Wrapped: an async function returning the promise itself would wait for it.
    return { written };
  }

  it('accepts an offer with the router’s correlation id while the projection is stuck', async () => {
    const { interactionId, offerId, correlationId } = await seedInteraction({ store, routing }, { agentId: 'ada', offeredOnly: true });
    const { written: projected } = await slowProjection();

    await within(HELD_MS, commands.accept(ada, interactionId, offerId));
    const [command] = bus.on(Topics.AgentCommand);
    expect(command).toMatchObject({ correlationId, payload: { type: 'accept', interactionId, offerId, agentId: 'ada' } });

    release?.();
    await projected;
  });

  it('replies, with its pending entry in the transcript, while the projection is stuck; one command on the bus', async () => {
    const { interactionId, correlationId } = await seedInteraction({ store, routing }, { agentId: 'ada' });
    const { written: projected } = await slowProjection();

    const accepted = await within(HELD_MS, actions.reply(ada, interactionId, 'We are on it'));
    const requested = bus.on(Topics.OutboundRequested);
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ correlationId, payload: { commandId: accepted.commandId, kind: 'reply', interactionId } });
    // Recorded before the answer, not behind the held flush: a reload shows the reply as pending.
    const view = await within(HELD_MS, store.get(interactionId));
    expect(view?.transcript).toContainEqual(expect.objectContaining({ kind: 'agent-action', commandId: accepted.commandId, status: 'pending' }));

    release?.();
    await projected;
  });

  it("pushes a customer message, then the accept of the next offer, to the agent's desktop while the projection is stuck", async () => {
    const held = await seedInteraction({ store, routing }, { agentId: 'ada' });
    const pushed: ServerMessage[] = [];
    // Only what the push service uses of the hub: every agent is connected here, and what is sent is kept.
    const hub: Pick<AgentSocketHub, 'isConnected' | 'send' | 'onConnected'> = {
      isConnected: () => true,
      send: (_agentId, message) => pushed.push(message),
      onConnected: () => undefined,
    };
    const push = new AgentPushService(hub as AgentSocketHub, store, new LocalViewCache(), profiles);
    const router = new RecordingEventPublisher('router');
    const lifecycle = (payload: InteractionLifecyclePayload) => router.publish(Topics.InteractionLifecycle, payload, { correlationId: 'corr-next' });
    const { written: projected } = await slowProjection();

    const message = customerTweet('@PerchAir still waiting');
    const base = { conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1, agentId: 'ada' };
    await within(HELD_MS, push.onLifecycle(await lifecycle({ ...base, interactionId: held.interactionId, type: 'message-added', message, classification: CLASSIFICATION })));
    const next = randomUUID();
    const offer = { offerId: randomUUID(), offerExpiresAt: new Date(Date.now() + 30_000).toISOString(), message: customerTweet(), classification: CLASSIFICATION };
    await within(HELD_MS, push.onLifecycle(await lifecycle({ ...base, interactionId: next, type: 'offered', ...offer })));
    await within(HELD_MS, push.onLifecycle(await lifecycle({ ...base, interactionId: next, type: 'accepted' })));

    expect(pushed.map((m) => m.type)).toEqual(['message-added', 'offer', 'interaction-accepted']);
    // Written before it was pushed, beside the held flush: a reload shows it.
    const view = await within(HELD_MS, store.get(held.interactionId));
    expect(view?.transcript).toContainEqual(expect.objectContaining({ kind: 'customer-message', messageId: message.messageId }));

    release?.();
    await projected;
  });
});

/** A SqlClient whose transactions (the projection's flushes) can be held open before they begin. */
class HeldTransactions implements SqlClient {
  begun = 0;
  private gate: Promise<void> | null = null;

  constructor(private readonly inner: SqlClient) {}

  hold(): () => void {
    let open: () => void = () => undefined;
    this.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      this.gate = null;
      open();
    };
  }

  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.inner.query<R>(text, params);
  }

  script(sql: string): Promise<void> {
    return this.inner.script(sql);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.begun += 1;
    if (this.gate) await this.gate;
    return this.inner.transaction(work);
  }
}

async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
