import { type AgentProfile } from '@perch/agents';
import { type Classification, type InboundMessage, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { type InteractionStore, InteractionViewProjector, MemoryInteractionStore } from '@perch/interactions';
import { RecordingEventPublisher } from '@perch/messaging';
import { CustomerProfileService } from '@perch/outbound';
import { newId } from '@perch/platform';
import { type BrandAccount, type LookupUserQuery, type XUserProfile } from '@perch/x-client';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { type GatewayOptions } from '../gateway-deps.types';
import { ClassificationCorrectionsService } from '../interactions/classification-corrections.service';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { OutboundActionsService } from '../interactions/outbound-actions.service';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { inboundMessageFrom } from './gateway-testbed.fixtures';

// Builders for the gateway's unit specs (controllers and guards with in-memory adapters; no test framework here).

export const PERCH_AIR: BrandAccount = { id: '1001', username: 'PerchAir', token: 'perchair-user-token' };
export const PERCH_RAIL: BrandAccount = { id: '1002', username: 'PerchRail', token: 'perchrail-user-token' };

/** Options for services built by hand: no wait for the projector (the store is written before each test acts). */
export const UNIT_OPTIONS: GatewayOptions = { replicaId: 'unit', desktopDir: '/nonexistent', consistencyWaitMs: 0 };

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

/**
 * Writes what the router's events leave in the store: an interaction created with a customer's tweet and accepted
 * by `agentId` (then completed, when asked), through the projector the gateway runs.
 */
export async function seedInteraction(
  store: InteractionStore,
  options: { agentId: string; completed?: boolean; message?: InboundMessage },
): Promise<{ interactionId: string; correlationId: string; message: InboundMessage }> {
  const projector = new InteractionViewProjector(store);
  const router = new RecordingEventPublisher('router');
  const message = options.message ?? customerTweet();
  const interactionId = newId();
  const correlationId = newId();
  const base = { interactionId, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1 };
  const steps: InteractionLifecyclePayload[] = [
    { ...base, type: 'created', message, classification: CLASSIFICATION },
    { ...base, type: 'accepted', agentId: options.agentId },
    ...(options.completed ? [{ ...base, type: 'completed' as const, agentId: options.agentId }] : []),
  ];
  for (const payload of steps) {
    await projector.applyLifecycle(await router.publish(Topics.InteractionLifecycle, payload, { correlationId }));
  }
  return { interactionId, correlationId, message };
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
  x: FakeUserLookup;
  queries: InteractionQueryService;
  commands: AgentCommandsService;
  profiles: CustomerProfileService;
  actions: OutboundActionsService;
  corrections: ClassificationCorrectionsService;
}

export function unitServices(brands: BrandAccount[] = [PERCH_AIR, PERCH_RAIL]): UnitServices {
  const bus = new RecordingEventPublisher('gateway');
  const store = new MemoryInteractionStore();
  const x = new FakeUserLookup();
  const queries = new InteractionQueryService(store, UNIT_OPTIONS, new LocalViewCache());
  const profiles = new CustomerProfileService({ xApi: x, brands, options: UNIT_OPTIONS });
  return {
    bus,
    store,
    x,
    queries,
    commands: new AgentCommandsService(bus, store, queries),
    profiles,
    actions: new OutboundActionsService(bus, store, brands, UNIT_OPTIONS, queries, profiles),
    corrections: new ClassificationCorrectionsService(bus, UNIT_OPTIONS, queries),
  };
}
