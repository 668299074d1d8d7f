import { type AddressInfo } from 'node:net';

import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type AgentCommandPayload,
  type Classification,
  type EventEnvelope,
  type InboundMessage,
  type InteractionLifecyclePayload,
  Topics,
} from '@perch/contracts';
import { MemoryAuditLog } from '@perch/audit';
import { type ConsumerHandle, type EventBus, MemoryTransport, startEventBus } from '@perch/messaging';
import { AgentDirectory, type AgentDirectoryOptions, type AgentRecord, type AgentRole, hashPassword } from '@perch/agents';
import { MemoryCorrectionStore, MemoryInteractionStore } from '@perch/interactions';
import { MemoryDeferredOutboundStore, MemoryOutboundIdempotencyStore } from '@perch/outbound';
import { createLogger, newId } from '@perch/platform';
import { createObservability, hardenHttp, startInternalHttp } from '@perch/service-kit';
import { type BrandAccount } from '@perch/x-client';

import { type GatewayModuleDeps, type GatewayOptions } from '../gateway-deps.types';
import { GatewayModule } from '../gateway.module';
import { setupGatewayOpenApi } from '../http/openapi.util';

export interface TestbedAgent {
  id: string;
  displayName: string;
  password: string;
  capacity?: number;
  skills?: string[];
  /** Default 'agent'. */
  role?: AgentRole;
  /** Brand usernames the agent may post from; default none. */
  brands?: string[];
}

export interface GatewayTestbedOptions {
  xApi: GatewayModuleDeps['xApi'];
  brands: BrandAccount[];
  agents: TestbedAgent[];
  desktopDir?: string;
  /** Overrides of GatewayModule's options (replicaId and desktopDir have test defaults). */
  options?: Partial<GatewayOptions>;
  /** Sign-in throttle, revocation store, token lifetime or clock of the AgentDirectory (memory defaults). */
  auth?: Pick<AgentDirectoryOptions, 'signInThrottle' | 'revocations' | 'tokenTtlMs' | 'clock'>;
}

/** Cheap scrypt parameters: the tests sign in often and the cost is not what they check. */
const TESTBED_PASSWORD_PARAMS = { N: 1024, r: 8, p: 1 };

export interface GatewayTestbed {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The internal listener, as in production: /health, /metrics and the OpenAPI document (/api/docs, /api/docs-json). */
  internalUrl: string;
  bus: EventBus;
  store: MemoryInteractionStore;
  /** Classification corrections kept as training data. */
  corrections: MemoryCorrectionStore;
  idempotency: MemoryOutboundIdempotencyStore;
  /** The audit log the gateway writes (sign-ins, actions, effects on X, routing decisions). */
  audit: MemoryAuditLog;
  agents: AgentDirectory;
  router: FakeRouter;
  close(): Promise<void>;
}

export const TESTBED_TOKEN_SECRET = 'gateway-testbed-secret-0123456789abcdef';

/**
 * The gateway module booted in-process on a random port with the memory transport and memory stores,
 * plus a stand-in router (FakeRouter): what the gateway's HTTP/WS spec and the desktop's e2e spec drive.
 * Test support only; nothing in production imports it.
 */
export async function startGatewayTestbed(options: GatewayTestbedOptions): Promise<GatewayTestbed> {
  const logger = createLogger('gateway-testbed');
  const transport = new MemoryTransport({ redeliveryBackoffMs: 5, maxRedeliveryBackoffMs: 50 });
  const bus = await startEventBus(transport, { producer: 'gateway', logger, maxAttempts: 3, retryDelayMs: () => 10 });
  const store = new MemoryInteractionStore();
  const corrections = new MemoryCorrectionStore();
  const idempotency = new MemoryOutboundIdempotencyStore();
  const audit = new MemoryAuditLog();
  const agents = await createTestbedDirectory(options.agents, options.auth);
  const router = new FakeRouter(bus);
  await router.start();

  const app = await NestFactory.create(
    GatewayModule.register({
      bus,
      interactionStore: store,
      correctionStore: corrections,
      idempotencyStore: idempotency,
      auditLog: audit,
      deferredOutboundStore: new MemoryDeferredOutboundStore(),
      xApi: options.xApi,
      brands: options.brands,
      agents,
      options: {
        replicaId: 'test-replica',
        desktopDir: options.desktopDir ?? '/nonexistent',
        offlineGraceMs: 0,
        ...options.options,
      },
    }),
    { logger: false },
  );
  hardenHttp(app);
  const internal = await startInternalHttp(app, {
    service: 'gateway-testbed',
    port: 0,
    host: '127.0.0.1',
    logger: false,
    observability: createObservability({ service: 'gateway-testbed' }),
    configure: (served) => setupGatewayOpenApi(app, served),
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;

  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    internalUrl: `http://127.0.0.1:${internal.port}`,
    bus,
    store,
    corrections,
    idempotency,
    audit,
    agents,
    router,
    close: async () => {
      await app.close();
      await internal.close();
      await router.stop();
      await bus.stop();
      await transport.disconnect();
    },
  };
}

/** An AgentDirectory of these agents, signed with TESTBED_TOKEN_SECRET, with cheap scrypt (memory stores unless `auth` says). */
export async function createTestbedDirectory(agents: readonly TestbedAgent[], auth: GatewayTestbedOptions['auth'] = {}): Promise<AgentDirectory> {
  // Cheap scrypt parameters: the tests sign in often and the cost is not what they check.
  const records: AgentRecord[] = await Promise.all(
    agents.map(async (agent) => ({
      id: agent.id,
      displayName: agent.displayName,
      passwordHash: await hashPassword(agent.password, TESTBED_PASSWORD_PARAMS),
      capacity: agent.capacity ?? 3,
      skills: agent.skills ?? [],
      role: agent.role ?? 'agent',
      brands: agent.brands ?? [],
    })),
  );
  return new AgentDirectory({ agents: records, tokenSecret: TESTBED_TOKEN_SECRET, passwordParams: TESTBED_PASSWORD_PARAMS, ...auth });
}

export interface OfferInput {
  agentId: string;
  message: InboundMessage;
  classification: Classification;
  interactionId?: string;
  expiresInMs?: number;
}

/**
 * Plays the router's part: offers interactions and answers agent commands the way the real router
 * does (accept → accepted, decline → declined, complete → completed). Presence is only recorded.
 */
export class FakeRouter {
  readonly commands: AgentCommandPayload[] = [];
  readonly published: EventEnvelope<InteractionLifecyclePayload>[] = [];
  private readonly offers = new Map<string, { offerId: string; correlationId: string; base: Omit<InteractionLifecyclePayload, 'type'> }>();
  private readonly waiters: { match: (command: AgentCommandPayload) => boolean; resolve: (command: AgentCommandPayload) => void }[] = [];
  private handle: ConsumerHandle | null = null;

  constructor(private readonly bus: EventBus) {}

  async start(): Promise<void> {
    this.handle = await this.bus.subscribe(Topics.AgentCommand, 'fake-router', async (event) => this.onCommand(event.payload));
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }

  /** Publishes created, then offered to the agent; resolves with the ids the desktop will answer with. */
  async offer(input: OfferInput): Promise<{ interactionId: string; offerId: string; correlationId: string }> {
    const interactionId = input.interactionId ?? newId();
    const offerId = newId();
    const correlationId = newId();
    const base = {
      interactionId,
      conversationKey: input.message.conversationKey,
      brandAccountId: input.message.brandAccountId,
      priority: 1,
    };
    await this.emit({ ...base, type: 'created', message: input.message, classification: input.classification }, correlationId);
    await this.emit(
      {
        ...base,
        type: 'offered',
        agentId: input.agentId,
        offerId,
        offerExpiresAt: new Date(Date.now() + (input.expiresInMs ?? 30_000)).toISOString(),
        message: input.message,
        classification: input.classification,
      },
      correlationId,
    );
    this.offers.set(interactionId, { offerId, correlationId, base: { ...base, agentId: input.agentId } });
    return { interactionId, offerId, correlationId };
  }

  async addMessage(interactionId: string, agentId: string, message: InboundMessage, classification: Classification): Promise<void> {
    const offer = this.offers.get(interactionId);
    if (!offer) throw new Error(`FakeRouter does not know ${interactionId}`);
    await this.emit({ ...offer.base, agentId, type: 'message-added', message, classification }, offer.correlationId);
  }

  waitForCommand(match: (command: AgentCommandPayload) => boolean): Promise<AgentCommandPayload> {
    const seen = this.commands.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private async onCommand(command: AgentCommandPayload): Promise<void> {
    this.commands.push(command);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(command)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(command);
    }
    const offer = command.interactionId === undefined ? undefined : this.offers.get(command.interactionId);
    if (!offer) return;
    if ((command.type === 'accept' || command.type === 'decline') && command.offerId === offer.offerId) {
      await this.emit({ ...offer.base, type: command.type === 'accept' ? 'accepted' : 'declined' }, offer.correlationId);
    } else if (command.type === 'complete') {
      // As the real router: the disposition (also in `reason`) and the note travel on the completed event.
      await this.emit(
        {
          ...offer.base,
          type: 'completed',
          ...(command.disposition === undefined ? {} : { reason: command.disposition, disposition: command.disposition }),
          ...(command.note === undefined ? {} : { note: command.note }),
        },
        offer.correlationId,
      );
    }
  }

  private async emit(payload: InteractionLifecyclePayload, correlationId: string): Promise<void> {
    this.published.push(await this.bus.publish(Topics.InteractionLifecycle, payload, { correlationId }));
  }
}

export interface TweetFacts {
  brand: { id: string; username: string };
  tweet: { id: string; text: string; createdAt: string; conversationId: string; inReplyToTweetId?: string };
  author: { id: string; username: string; name: string; followersCount: number; followingCount: number; tweetCount: number };
}

/** The InboundMessage the ingestor would have produced for a customer's tweet (e.g. one made on the simulator). */
export function inboundMessageFrom(facts: TweetFacts, receivedAt = Date.now()): InboundMessage {
  return {
    messageId: facts.tweet.id,
    kind: facts.tweet.inReplyToTweetId === undefined ? 'mention' : 'reply',
    source: 'stream',
    brandAccountId: facts.brand.id,
    brandUsername: facts.brand.username,
    conversationKey: `${facts.brand.id}:${facts.tweet.conversationId}`,
    threadId: facts.tweet.conversationId,
    text: facts.tweet.text,
    createdAt: facts.tweet.createdAt,
    ...(facts.tweet.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: facts.tweet.inReplyToTweetId }),
    mentions: [...facts.tweet.text.matchAll(/@([A-Za-z0-9_]{1,15})/g)].map((match) => match[1] ?? ''),
    author: { ...facts.author, profileUrl: `https://x.com/${facts.author.username}` },
    receivedAt,
  };
}
