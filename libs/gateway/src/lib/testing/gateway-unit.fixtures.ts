import { type AgentProfile } from '@perch/agents';
import { type Classification, type EventEnvelope, type InboundMessage, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { type InteractionStore, InteractionViewProjector, MemoryDispositionStore, MemoryInteractionStore } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { CustomerProfileService } from '@perch/outbound';
import { newId } from '@perch/platform';
import { MAX_AGENT_CAPACITY, MemoryRoutingStore, RoutingStoreAgentStateReader, RoutingStoreAssignmentReader } from '@perch/routing';
import { type BrandAccount, type LookupUserQuery, type XUserProfile } from '@perch/x-client';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { BrandAccess } from '../brands/brand-access.service';
import { DispositionsService } from '../dispositions/dispositions.service';
import { type GatewayOptions } from '../gateway-deps.types';
import { ClassificationCorrectionsService } from '../interactions/classification-corrections.service';
import { ConsultationsService } from '../interactions/consultations.service';
import { HolderChecks } from '../interactions/holder-checks.service';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { OutboundActionsService } from '../interactions/outbound-actions.service';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { type ServerMessage } from '../ws/ws-messages.types';
import { inboundMessageFrom } from './gateway-testbed.fixtures';

// Builders for the gateway's unit specs (controllers and guards with in-memory adapters; no test framework here).

export const PERCH_AIR: BrandAccount = { id: '1001', username: 'PerchAir', token: 'perchair-user-token' };
export const PERCH_RAIL: BrandAccount = { id: '1002', username: 'PerchRail', token: 'perchrail-user-token' };

/** Options for services built by hand: no wait for the projector (the store is written before each test acts). */
export const UNIT_OPTIONS: GatewayOptions = { replicaId: 'unit', desktopDir: '/nonexistent', consistencyWaitMs: 0 };

/** A routing.interaction.v1 event of one interaction at `at` (ms), on brand 1000's first conversation unless `extra` says. */
export function lifecycleEvent(
  interactionId: string,
  type: InteractionLifecyclePayload['type'],
  at: number,
  extra: Partial<InteractionLifecyclePayload> = {},
): EventEnvelope<InteractionLifecyclePayload> {
  return {
    eventId: newId(),
    occurredAt: new Date(at).toISOString(),
    correlationId: newId(),
    schemaVersion: 1,
    producer: 'test',
    payload: { interactionId, type, conversationKey: '1000:1', brandAccountId: '1000', priority: 1, ...extra },
  };
}

export function agentProfile(id: string, overrides: Partial<AgentProfile> = {}): AgentProfile {
  return { id, displayName: id, capacity: 2, skills: [], role: 'agent', brands: [PERCH_AIR.username], ...overrides };
}

/** What the classifier said of the customer's tweet. */
export const CLASSIFICATION: Classification = {
  sentiment: 'negative', sentimentScore: 0.9, actionability: 'actionable', actionabilityScore: 0.8,
  sentimentFeatures: ['cancelled'], actionabilityFeatures: [], model: 'lexicon-baseline@1',
};

let tweetSequence = 1_790_000_000_000_000_000n;

/** A customer's mention of @PerchAir, as the ingestor would have published it. */
export function customerTweet(text = '@PerchAir my flight was cancelled and nobody answers the phone'): InboundMessage {
  tweetSequence += 1n;
  const id = tweetSequence.toString();
  return inboundMessageFrom({
    brand: { id: PERCH_AIR.id, username: PERCH_AIR.username },
    tweet: { id, text, createdAt: new Date(1_760_000_000_000).toISOString(), conversationId: id },
    author: { id: '42', username: 'dana_flies', name: 'Dana', followersCount: 1234, followingCount: 321, tweetCount: 5678 },
  });
}

export interface SeedOptions {
  agentId: string;
  /** Offered to the agent and never accepted (the router's record says 'offered'). */
  offeredOnly?: boolean;
  completed?: boolean;
  message?: InboundMessage;
}

/**
 * What the router leaves behind for an interaction created with a customer's tweet, offered to `agentId` and
 * accepted (then completed, when asked; or only offered): its own record in the router's store (`routing`, which
 * the holder checks read) and the views its events leave in `store`, through the projector the gateway runs.
 */
export async function seedInteraction(
  // Any InteractionStore: an integration spec seeds the PostgreSQL one the same way.
  services: { store: InteractionStore; routing: MemoryRoutingStore },
  options: SeedOptions,
): Promise<{ interactionId: string; correlationId: string; offerId: string; message: InboundMessage }> {
  const projector = new InteractionViewProjector(services.store);
  const router = new RecordingEventPublisher('router');
  const message = options.message ?? customerTweet();
  const interactionId = newId();
  const correlationId = newId();
  const offerId = await routeTo(services.routing, { ...options, message, interactionId, correlationId });
  const base = { interactionId, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1 };
  const offerExpiresAt = new Date(Date.now() + SEED_OFFER_TIMEOUT_MS).toISOString();
  const steps: InteractionLifecyclePayload[] = [
    { ...base, type: 'created', message, classification: CLASSIFICATION },
    ...(options.offeredOnly
      ? [{ ...base, type: 'offered' as const, agentId: options.agentId, offerId, offerExpiresAt, message, classification: CLASSIFICATION }]
      : [{ ...base, type: 'accepted' as const, agentId: options.agentId }]),
    ...(options.completed ? [{ ...base, type: 'completed' as const, agentId: options.agentId }] : []),
  ];
  for (const payload of steps) {
    await projector.applyLifecycle(await router.publish(Topics.InteractionLifecycle, payload, { correlationId }));
  }
  return { interactionId, correlationId, offerId, message };
}

const SEED_OFFER_TIMEOUT_MS = 60_000;

/** The router's part, on its own store: queued, offered to the agent (the only one ready), accepted, completed. */
async function routeTo(
  routing: MemoryRoutingStore,
  seed: SeedOptions & { message: InboundMessage; interactionId: string; correlationId: string },
): Promise<string> {
  const now = Date.now();
  const offerId = newId();
  await routing.setPresence({ agentId: seed.agentId, state: 'ready', capacity: MAX_AGENT_CAPACITY, now });
  await routing.upsertInteraction({
    message: seed.message,
    classification: CLASSIFICATION,
    priority: 1,
    correlationId: seed.correlationId,
    interactionIdIfNew: seed.interactionId,
    now,
  });
  const offer = await routing.dispatch(now, SEED_OFFER_TIMEOUT_MS, offerId);
  if (offer?.interactionId !== seed.interactionId || offer.agentId !== seed.agentId) {
    throw new Error(`seedInteraction: the router offered ${JSON.stringify(offer?.interactionId)} to ${JSON.stringify(offer?.agentId)}`);
  }
  // Not ready again, so the next seed's offer goes to the agent that seed names.
  await routing.setPresence({ agentId: seed.agentId, state: 'not-ready', now });
  if (seed.offeredOnly) return offerId;
  await routing.accept(seed.interactionId, offerId, seed.agentId, now);
  if (seed.completed) await routing.complete(seed.interactionId, seed.agentId, now);
  return offerId;
}

/** X's answer to a profile lookup, as the brand's token sees the customer. */
export function xUser(overrides: Partial<XUserProfile> = {}): XUserProfile {
  return {
    id: '42',
    username: 'dana_flies',
    name: 'Dana',
    publicMetrics: { followersCount: 1234, followingCount: 321, tweetCount: 5678, listedCount: 0, likeCount: 0 },
    connectionStatus: ['followed_by'],
    followsYou: true,
    followedByYou: false,
    ...overrides,
  };
}

/** X as the profile lookups see it: answers from `users` by id, and counts the calls. */
export class FakeUserLookup {
  readonly calls: LookupUserQuery[] = [];
  constructor(readonly users: Map<string, XUserProfile> = new Map([['42', xUser()]])) {}

  async lookupUser(query: LookupUserQuery): Promise<XUserProfile> {
    this.calls.push(query);
    const user = this.users.get(query.userId);
    if (!user) throw new Error(`no X user ${query.userId}`);
    return user;
  }
}

/** The gateway's REST services built by hand on memory adapters, as GatewayModule would inject them. */
export interface UnitServices {
  bus: RecordingEventPublisher;
  store: MemoryInteractionStore;
  /** The router's store: who holds what, as the holder checks read it (seedInteraction writes it as the router would). */
  routing: MemoryRoutingStore;
  x: FakeUserLookup;
  queries: InteractionQueryService;
  /** Who may act, from `routing`. */
  holders: HolderChecks;
  commands: AgentCommandsService;
  profiles: CustomerProfileService;
  actions: OutboundActionsService;
  corrections: ClassificationCorrectionsService;
  consultations: ConsultationsService;
  /** Disposition codes per brand (none configured until a test adds them): what done is checked against. */
  dispositions: DispositionsService;
  /** What the consultations pushed, by agent (no sockets here). */
  pushed: { agentId: string; message: ServerMessage }[];
}

/** `options` over UNIT_OPTIONS, e.g. a `clock` ahead of the router's to see its offers expire. */
export function unitServices(brands: BrandAccount[] = [PERCH_AIR, PERCH_RAIL], options: Partial<GatewayOptions> = {}): UnitServices {
  const unitOptions: GatewayOptions = { ...UNIT_OPTIONS, ...options };
  const bus = new RecordingEventPublisher('gateway');
  const store = new MemoryInteractionStore();
  const x = new FakeUserLookup();
  const routing = new MemoryRoutingStore('unit');
  const holders = new HolderChecks(new RoutingStoreAssignmentReader(routing), store, unitOptions);
  const pushed: UnitServices['pushed'] = [];
  const queries = new InteractionQueryService(store, unitOptions, new LocalViewCache(), holders);
  const profiles = new CustomerProfileService({ xApi: x, brands, options: unitOptions });
  return {
    bus,
    store,
    routing,
    x,
    queries,
    holders,
    // No directory here: a transfer to a named agent finds nobody (the testbed's specs cover it).
    commands: new AgentCommandsService(bus, holders, { getAgent: () => null }, new RoutingStoreAgentStateReader(routing)),
    profiles,
    actions: new OutboundActionsService(bus, store, brands, unitOptions, queries, profiles),
    corrections: new ClassificationCorrectionsService(bus, unitOptions, queries),
    consultations: new ConsultationsService(holders, { getAgent: () => null }, store, bus, unitOptions, {
      send: (agentId, message) => pushed.push({ agentId, message }),
    }),
    dispositions: new DispositionsService(new MemoryDispositionStore(), new BrandAccess(brands), queries, unitOptions),
    pushed,
  };
}
