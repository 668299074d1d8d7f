import { type AddressInfo } from 'node:net';

import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type AgentCommandPayload,
  type AgentStateCause,
  type AgentStateName,
  type AgentStatePayload,
  type Classification,
  type EventEnvelope,
  type InboundMessage,
  type InteractionLifecyclePayload,
  MISSED_OFFER_REASON,
  Topics,
} from '@perch/contracts';
import { MemoryAuditLog } from '@perch/audit';
import { type ConsumerHandle, type EventBus, MemoryTransport, startEventBus } from '@perch/messaging';
import { AgentDirectory, type AgentDirectoryOptions, type AgentRecord, type AgentRole, hashPassword } from '@perch/agents';
import { MemoryCorrectionStore, MemoryInteractionStore } from '@perch/interactions';
import { MemoryDeferredOutboundStore, MemoryOutboundIdempotencyStore } from '@perch/outbound';
import { createLogger, newId } from '@perch/platform';
import {
  type AgentStateReader,
  type AgentStateView,
  type Assignment,
  type AssignmentReader,
  MemoryQueueCounterStore,
  MemoryRoutingStore,
} from '@perch/routing';
import { createObservability, hardenHttp, instrumentHttp, startInternalHttp } from '@perch/service-kit';
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
  /** Contacts, their email transport and call requests (default: memory stores, no mail). */
  contacts?: GatewayModuleDeps['contacts'];
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
  /**
   * A router store for supervisors' live view (the gateway's RoutingSnapshotReader): the FakeRouter does not keep
   * one, so a test that reads queues or agents sets them here as the router would.
   */
  routing: MemoryRoutingStore;
  /** Supervisors' per-queue counters, written by the gateway's counters consumer from the FakeRouter's events. */
  queueCounters: MemoryQueueCounterStore;
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
  const routing = new MemoryRoutingStore('testbed');
  const queueCounters = new MemoryQueueCounterStore();

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
      // The stand-in router answers who holds what, as the router's store does for the real gateway.
      assignments: router,
      // And each agent's state and pending offers.
      agentStates: router,
      snapshots: routing,
      queueCounters,
      ...(options.contacts === undefined ? {} : { contacts: options.contacts }),
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
  const observability = createObservability({ service: 'gateway-testbed' });
  instrumentHttp(app, observability);
  const internal = await startInternalHttp(app, {
    service: 'gateway-testbed',
    port: 0,
    host: '127.0.0.1',
    logger: false,
    observability,
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
    routing,
    queueCounters,
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
  /** A returning customer offered to its last agent (the router's sticky agent): the offered event says `sticky`. */
  sticky?: boolean;
}

/** An agent's state as the FakeRouter keeps it. */
interface FakeAgentState {
  state: AgentStateName;
  reason?: string;
  since: number;
  wrapUpUntil?: number;
  capacity: number;
}

/**
 * Plays the router's part: offers interactions and answers agent commands the way the real router
 * does (accept → accepted, decline → declined, complete → completed, transfer → transferred + queued; presence → routing.agent.v1, offline withdrawing
 * the agent's offers; a completion → wrap-up when `wrapUpMs` is set). Offer timeouts and the end of wrap-up happen
 * when a test says (`timeOutOffer`, `endWrapUp`). Like the router's store it answers who holds each interaction (the
 * gateway's AssignmentReader) and each agent's state (AgentStateReader), changed before the event that announces it,
 * as the router writes its record before publishing.
 */
export class FakeRouter implements AssignmentReader, AgentStateReader {
  /** Wrap-up after a completion, as the router's ROUTER_WRAP_UP_MS (0, the default here: none). */
  wrapUpMs = 0;
  readonly agentStatesPublished: EventEnvelope<AgentStatePayload>[] = [];
  private readonly agentStates = new Map<string, FakeAgentState>();
  readonly commands: AgentCommandPayload[] = [];
  private readonly holders = new Map<string, Assignment>();
  readonly published: EventEnvelope<InteractionLifecyclePayload>[] = [];
  private readonly offers = new Map<
    string,
    {
      offerId: string;
      correlationId: string;
      base: Omit<InteractionLifecyclePayload, 'type'>;
      /** The first message and its labels, for a transfer offer's toast. */
      first?: { message: InboundMessage; classification: Classification };
    }
  >();
  private readonly waiters: { match: (command: AgentCommandPayload) => boolean; resolve: (command: AgentCommandPayload) => void }[] = [];
  /** Interactions offered to the customer's last agent (sticky), as the router's record keeps `stickyAgentId`. */
  private readonly stickyOffers = new Set<string>();
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
      // As the router: every event names the interaction's queue and its creation time.
      channel: input.message.kind === 'dm' ? ('dm' as const) : ('public' as const),
      interactionCreatedAt: new Date().toISOString(),
    };
    await this.emit({ ...base, type: 'created', message: input.message, classification: input.classification }, correlationId);
    const offerExpiresAt = Date.now() + (input.expiresInMs ?? 30_000);
    this.holders.set(interactionId, { interactionId, state: 'offered', agentId: input.agentId, offerId, offerExpiresAt, correlationId });
    await this.emit(
      {
        ...base,
        type: 'offered',
        agentId: input.agentId,
        offerId,
        offerExpiresAt: new Date(offerExpiresAt).toISOString(),
        message: input.message,
        classification: input.classification,
        ...(input.sticky === true ? { sticky: true } : {}),
      },
      correlationId,
    );
    if (input.sticky === true) this.stickyOffers.add(interactionId);
    this.offers.set(interactionId, {
      offerId,
      correlationId,
      base: { ...base, agentId: input.agentId },
      first: { message: input.message, classification: input.classification },
    });
    return { interactionId, offerId, correlationId };
  }

  /**
   * An interaction the router assigned to `agentId` without the offer having gone through the gateway (e.g. one
   * whose message never reached the store): the record says assigned, and only the accepted event is published.
   */
  async assign(input: { interactionId: string; agentId: string; conversationKey: string; brandAccountId: string }): Promise<void> {
    const correlationId = newId();
    const offerId = newId();
    const base = { interactionId: input.interactionId, conversationKey: input.conversationKey, brandAccountId: input.brandAccountId, priority: 1 };
    this.holders.set(input.interactionId, { interactionId: input.interactionId, state: 'assigned', agentId: input.agentId, offerId, correlationId });
    this.offers.set(input.interactionId, { offerId, correlationId, base: { ...base, agentId: input.agentId } });
    await this.emit({ ...base, type: 'accepted', agentId: input.agentId }, correlationId);
  }

  async holderOf(interactionId: string): Promise<Assignment | undefined> {
    const holder = this.holders.get(interactionId);
    return holder ? { ...holder } : undefined;
  }

  async stateOf(agentId: string): Promise<AgentStateView | undefined> {
    const agent = this.agentStates.get(agentId);
    if (!agent) return undefined;
    const held = [...this.holders.values()].filter((h) => h.agentId === agentId && (h.state === 'offered' || h.state === 'assigned'));
    // As the router's store: a conference guest holds a slot too; transfer offers and invitations take none.
    const guestOf = [...this.holders.values()].filter((h) => h.state === 'assigned' && (h.conferenceAgentIds ?? []).includes(agentId));
    const waiting = [...this.holders.values()].flatMap((h) => {
      const pending = h.state === 'assigned' ? (h.transferOffer?.toAgentId === agentId ? h.transferOffer : h.conferenceOffer?.toAgentId === agentId ? h.conferenceOffer : undefined) : undefined;
      if (!pending) return [];
      const kind = pending === h.transferOffer ? ('transfer' as const) : ('conference' as const);
      return [
        {
          interactionId: h.interactionId,
          offerId: pending.offerId,
          expiresAt: pending.expiresAt,
          correlationId: h.correlationId,
          kind,
          ...(h.agentId === undefined ? {} : { fromAgentId: h.agentId }),
          ...(pending.reason === undefined ? {} : { reason: pending.reason }),
        },
      ];
    });
    const loadByChannel = { public: 0, dm: 0 };
    for (const holder of [...held, ...guestOf]) loadByChannel[this.offers.get(holder.interactionId)?.base.channel ?? 'public'] += 1;
    return {
      agentId,
      state: agent.state,
      ...(agent.reason === undefined ? {} : { reason: agent.reason }),
      since: agent.since,
      ...(agent.wrapUpUntil === undefined ? {} : { wrapUpUntil: agent.wrapUpUntil }),
      capacity: agent.capacity,
      load: held.length + guestOf.length,
      loadByChannel,
      offers: [
        ...held.flatMap((h) =>
          h.state === 'offered' && h.offerId !== undefined && h.offerExpiresAt !== undefined
            ? [
                {
                  interactionId: h.interactionId,
                  offerId: h.offerId,
                  expiresAt: h.offerExpiresAt,
                  correlationId: h.correlationId,
                  ...(this.stickyOffers.has(h.interactionId) ? { sticky: true as const } : {}),
                },
              ]
            : [],
        ),
        ...waiting,
      ],
      assigned: held
        .filter((h) => h.state === 'assigned')
        .map((h) => ({ interactionId: h.interactionId, correlationId: h.correlationId, ...this.guestsOf(h.interactionId) })),
      conferences: guestOf.map((h) => ({
        interactionId: h.interactionId,
        correlationId: h.correlationId,
        holderAgentId: h.agentId ?? '',
        ...this.guestsOf(h.interactionId),
      })),
    };
  }

  /**
   * The offer's deadline passes unanswered, as the router's sweeper sees it: offer-timed-out, and the agent (ready or in
   * wrap-up) set not-ready with reason missed-offer, announced on routing.agent.v1.
   */
  async timeOutOffer(interactionId: string): Promise<void> {
    const holder = this.holders.get(interactionId);
    const offer = this.offers.get(interactionId);
    if (holder?.state !== 'offered' || !offer || holder.agentId === undefined) throw new Error(`FakeRouter: ${interactionId} is not offered`);
    const agentId = holder.agentId;
    this.holders.set(interactionId, queued(holder));
    await this.emit({ ...offer.base, agentId, type: 'offer-timed-out', offerId: holder.offerId, reason: 'not answered in time; agent set not-ready' }, offer.correlationId);
    const agent = this.agentStates.get(agentId);
    if (agent && (agent.state === 'ready' || agent.state === 'wrap-up')) {
      this.agentStates.set(agentId, { capacity: agent.capacity, state: 'not-ready', reason: MISSED_OFFER_REASON, since: Date.now() });
      await this.emitAgentState(agentId, 'offer-timeout', { interactionId });
    }
  }

  /** The wrap-up time ends, as the router's sweeper sees it: ready again (cause wrap-up-timeout). */
  async endWrapUp(agentId: string): Promise<void> {
    const agent = this.agentStates.get(agentId);
    if (agent?.state !== 'wrap-up') throw new Error(`FakeRouter: ${agentId} is not in wrap-up`);
    this.agentStates.set(agentId, { capacity: agent.capacity, state: 'ready', since: Date.now() });
    await this.emitAgentState(agentId, 'wrap-up-timeout', {});
  }

  async addMessage(interactionId: string, agentId: string, message: InboundMessage, classification: Classification): Promise<void> {
    const offer = this.offers.get(interactionId);
    if (!offer) throw new Error(`FakeRouter does not know ${interactionId}`);
    await this.emit({ ...offer.base, agentId, type: 'message-added', message, classification, ...this.guestsOf(interactionId) }, offer.correlationId);
  }

  /** An invitation's deadline passes unanswered, as the router's sweeper sees it: conference-timed-out, nothing else changes. */
  async timeOutInvitation(interactionId: string): Promise<void> {
    const holder = this.holders.get(interactionId);
    const offer = this.offers.get(interactionId);
    const invitation = holder?.conferenceOffer;
    if (!holder || !offer || !invitation) throw new Error(`FakeRouter: ${interactionId} has no invitation`);
    const { conferenceOffer: _expired, ...kept } = holder;
    this.holders.set(interactionId, kept);
    await this.emit(
      { ...offer.base, type: 'conference-timed-out', agentId: invitation.toAgentId, fromAgentId: holder.agentId ?? '', offerId: invitation.offerId, reason: 'not answered', ...this.guestsOf(interactionId) },
      offer.correlationId,
    );
  }

  /** The conference's guests, as the router's events carry them (absent when none). */
  private guestsOf(interactionId: string): { conferenceAgentIds?: string[] } {
    const guests = this.holders.get(interactionId)?.conferenceAgentIds ?? [];
    return guests.length === 0 ? {} : { conferenceAgentIds: [...guests] };
  }

  /** As the router's store: invitations, their answers, a guest leaving and the holder handing over (ADR 0018). */
  private async onConferenceCommand(command: AgentCommandPayload, interactionId: string): Promise<boolean> {
    const holder = this.holders.get(interactionId);
    const offer = this.offers.get(interactionId);
    if (!holder || !offer) return false;
    const invitation = holder.conferenceOffer;
    const guests = holder.conferenceAgentIds ?? [];
    const emit = async (payload: Partial<InteractionLifecyclePayload> & Pick<InteractionLifecyclePayload, 'type'>): Promise<void> => {
      await this.emit({ ...offer.base, ...payload, ...this.guestsOf(interactionId) } as InteractionLifecyclePayload, offer.correlationId);
    };
    if ((command.type === 'accept' || command.type === 'decline') && invitation && command.offerId === invitation.offerId) {
      if (invitation.toAgentId !== command.agentId) return true;
      const { conferenceOffer: _answered, ...kept } = holder;
      const joined = command.type === 'accept' ? [...guests, command.agentId] : guests;
      this.holders.set(interactionId, { ...kept, ...(joined.length === 0 ? {} : { conferenceAgentIds: joined }) });
      await emit({ type: command.type === 'accept' ? 'conference-joined' : 'conference-declined', agentId: command.agentId, fromAgentId: holder.agentId ?? '', offerId: invitation.offerId });
      return true;
    }
    if (command.type === 'conference' && command.toAgentId !== undefined) {
      if (holder.state !== 'assigned' || holder.agentId !== command.agentId || holder.conferenceOffer || holder.transferOffer) return true;
      // As the router's store: the invitation's note is kept with it (read back after a reload).
      const note = command.conferenceReason === undefined || command.conferenceReason === '' ? {} : { reason: command.conferenceReason };
      const conferenceOffer = { toAgentId: command.toAgentId, offerId: newId(), expiresAt: Date.now() + 30_000, ...note };
      this.holders.set(interactionId, { ...holder, conferenceOffer });
      await emit({
        type: 'conference-offered',
        agentId: command.toAgentId,
        fromAgentId: command.agentId,
        offerId: conferenceOffer.offerId,
        offerExpiresAt: new Date(conferenceOffer.expiresAt).toISOString(),
        ...(offer.first === undefined ? {} : { message: offer.first.message, classification: offer.first.classification }),
        ...(command.conferenceReason === undefined ? {} : { reason: command.conferenceReason }),
      });
      return true;
    }
    if (command.type === 'leave-conference') {
      if (holder.state !== 'assigned') return true;
      const without = (id: string): { conferenceAgentIds?: string[] } => {
        const rest = guests.filter((guest) => guest !== id);
        return rest.length === 0 ? {} : { conferenceAgentIds: rest };
      };
      const { conferenceAgentIds: _before, ...rest } = holder;
      if (guests.includes(command.agentId) && command.toAgentId === undefined) {
        this.holders.set(interactionId, { ...rest, ...without(command.agentId) });
        await emit({ type: 'conference-left', agentId: command.agentId, fromAgentId: holder.agentId ?? '' });
      } else if (holder.agentId === command.agentId && command.toAgentId !== undefined && guests.includes(command.toAgentId)) {
        this.holders.set(interactionId, { ...rest, agentId: command.toAgentId, ...without(command.toAgentId) });
        this.offers.set(interactionId, { ...offer, base: { ...offer.base, agentId: command.toAgentId } });
        await emit({ type: 'conference-handed-over', agentId: command.toAgentId, fromAgentId: command.agentId });
      }
      return true;
    }
    return false;
  }

  waitForCommand(match: (command: AgentCommandPayload) => boolean): Promise<AgentCommandPayload> {
    const seen = this.commands.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private async onCommand(command: AgentCommandPayload): Promise<void> {
    this.commands.push(command);
    if (command.type === 'presence') await this.onPresence(command);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(command)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(command);
    }
    const offer = command.interactionId === undefined ? undefined : this.offers.get(command.interactionId);
    if (!offer || command.interactionId === undefined) return;
    if (await this.onConferenceCommand(command, command.interactionId)) return;
    const holder = this.holders.get(command.interactionId);
    const transfer = holder?.transferOffer;
    if ((command.type === 'accept' || command.type === 'decline') && holder && transfer && command.offerId === transfer.offerId) {
      if (transfer.toAgentId !== command.agentId) return;
      const from = holder.agentId ?? '';
      const { transferOffer: _answered, ...kept } = holder;
      if (command.type === 'decline') {
        this.holders.set(command.interactionId, kept);
        await this.emit({ ...offer.base, type: 'transfer-declined', agentId: command.agentId, fromAgentId: from, offerId: transfer.offerId }, offer.correlationId);
        return;
      }
      this.holders.set(command.interactionId, { ...kept, agentId: command.agentId, offerId: transfer.offerId });
      this.offers.set(command.interactionId, { ...offer, offerId: transfer.offerId, base: { ...offer.base, agentId: command.agentId } });
      await this.emit({ ...offer.base, type: 'accepted', agentId: command.agentId, fromAgentId: from, offerId: transfer.offerId }, offer.correlationId);
      return;
    }
    if ((command.type === 'accept' || command.type === 'decline') && command.offerId === offer.offerId) {
      // As the router's store: only the agent the offer was made to decides it, once; a repeated accept is answered again.
      if (holder?.agentId !== command.agentId) return;
      if (holder.state === 'offered') this.holders.set(command.interactionId, command.type === 'accept' ? assigned(holder) : queued(holder));
      else if (!(holder.state === 'assigned' && command.type === 'accept')) return;
      await this.emit({ ...offer.base, type: command.type === 'accept' ? 'accepted' : 'declined' }, offer.correlationId);
    } else if (command.type === 'complete') {
      // The guests the completion frees ride on its event, as the router's do.
      const guests = this.guestsOf(command.interactionId);
      if (holder) this.holders.set(command.interactionId, { ...holder, state: 'completed' });
      const agent = this.agentStates.get(command.agentId);
      const wrapUp = this.wrapUpMs > 0 && (agent?.state === 'ready' || agent?.state === 'wrap-up');
      if (agent && wrapUp) {
        const now = Date.now();
        this.agentStates.set(command.agentId, {
          capacity: agent.capacity,
          state: 'wrap-up',
          since: agent.state === 'wrap-up' ? agent.since : now,
          wrapUpUntil: now + this.wrapUpMs,
        });
      }
      // As the real router: the disposition (also in `reason`) and the note travel on the completed event.
      await this.emit(
        {
          ...offer.base,
          type: 'completed',
          ...(command.disposition === undefined ? {} : { reason: command.disposition, disposition: command.disposition }),
          ...(command.note === undefined ? {} : { note: command.note }),
          ...guests,
        },
        offer.correlationId,
      );
      // As the router: a transfer offer or an invitation still pending is dropped, and its target told.
      const dropped = holder?.transferOffer ?? holder?.conferenceOffer;
      if (holder && dropped) {
        await this.emit(
          {
            ...offer.base,
            type: dropped === holder.transferOffer ? 'transfer-declined' : 'conference-declined',
            agentId: dropped.toAgentId,
            fromAgentId: command.agentId,
            offerId: dropped.offerId,
            reason: 'the interaction was completed',
          },
          offer.correlationId,
        );
      }
      if (wrapUp) await this.emitAgentState(command.agentId, 'agent', { interactionId: command.interactionId });
    } else if (command.type === 'transfer' && command.toAgentId !== undefined) {
      // As the router's store: an offer to the named agent while the holder keeps it (no timeout here).
      if (holder?.state !== 'assigned' || holder.agentId !== command.agentId || holder.transferOffer) return;
      // As the router's store: the reason is kept with the offer (read back after a reload).
      const why = command.transferReason === undefined || command.transferReason === '' ? {} : { reason: command.transferReason };
      const transferOffer = { toAgentId: command.toAgentId, offerId: newId(), expiresAt: Date.now() + 30_000, ...why };
      this.holders.set(command.interactionId, { ...holder, transferOffer });
      await this.emit(
        {
          ...offer.base,
          type: 'transfer-offered',
          agentId: command.toAgentId,
          fromAgentId: command.agentId,
          offerId: transferOffer.offerId,
          offerExpiresAt: new Date(transferOffer.expiresAt).toISOString(),
          ...(offer.first === undefined ? {} : { message: offer.first.message, classification: offer.first.classification }),
          reason: command.transferReason ?? '',
        },
        offer.correlationId,
      );
    } else if (command.type === 'transfer') {
      // As the router's store: only the holder of assigned work transfers it, back to the queue (nobody else is offered it here).
      if (holder?.state !== 'assigned' || holder.agentId !== command.agentId) return;
      this.holders.set(command.interactionId, queued(holder));
      await this.emit({ ...offer.base, agentId: command.agentId, type: 'transferred', reason: command.transferReason ?? '' }, offer.correlationId);
      await this.emit({ ...offer.base, type: 'queued', reason: `transferred by ${command.agentId}` }, offer.correlationId);
    }
  }

  /** As the router: the state (and reason) set, offline withdrawing the agent's offers, then routing.agent.v1. */
  private async onPresence(command: AgentCommandPayload): Promise<void> {
    const state = command.presence ?? 'offline';
    const previous = this.agentStates.get(command.agentId);
    const reason = state === 'not-ready' ? command.reason : undefined;
    const since = previous && previous.state === state && previous.reason === reason ? previous.since : Date.now();
    this.agentStates.set(command.agentId, { state, ...(reason === undefined ? {} : { reason }), since, capacity: command.capacity ?? previous?.capacity ?? 1 });
    const withdrawn: string[] = [];
    if (state === 'offline') {
      for (const holder of [...this.holders.values()]) {
        const offer = this.offers.get(holder.interactionId);
        if (holder.agentId !== command.agentId || holder.state !== 'offered' || !offer) continue;
        this.holders.set(holder.interactionId, queued(holder));
        withdrawn.push(holder.interactionId);
        await this.emit(
          { ...offer.base, type: 'queued', agentId: command.agentId, offerId: holder.offerId, reason: `offer withdrawn: agent offline (${command.cause ?? 'agent'})` },
          offer.correlationId,
        );
      }
    }
    await this.emitAgentState(command.agentId, command.cause ?? 'agent', {
      ...(command.actorId === undefined ? {} : { actorId: command.actorId }),
      ...(withdrawn.length === 0 ? {} : { withdrawnOffers: withdrawn }),
    });
  }

  private async emitAgentState(
    agentId: string,
    cause: AgentStateCause,
    extras: Partial<Pick<AgentStatePayload, 'actorId' | 'interactionId' | 'withdrawnOffers'>>,
  ): Promise<void> {
    const view = await this.stateOf(agentId);
    if (!view) return;
    const payload: AgentStatePayload = {
      agentId,
      state: view.state,
      ...(view.reason === undefined ? {} : { reason: view.reason }),
      since: new Date(view.since).toISOString(),
      ...(view.wrapUpUntil === undefined ? {} : { wrapUpEndsAt: new Date(view.wrapUpUntil).toISOString() }),
      cause,
      capacity: view.capacity,
      load: view.load,
      loadByChannel: view.loadByChannel,
      ...extras,
    };
    this.agentStatesPublished.push(await this.bus.publish(Topics.AgentState, payload, { correlationId: agentId }));
  }

  private async emit(payload: InteractionLifecyclePayload, correlationId: string): Promise<void> {
    this.published.push(await this.bus.publish(Topics.InteractionLifecycle, payload, { correlationId }));
  }
}

function assigned({ offerExpiresAt: _deadline, ...holder }: Assignment): Assignment {
  return { ...holder, state: 'assigned' };
}

function queued({ interactionId, correlationId }: Assignment): Assignment {
  return { interactionId, correlationId, state: 'queued' };
}

export interface TweetFacts {
  brand: { id: string; username: string };
  tweet: { id: string; text: string; createdAt: string; conversationId: string; inReplyToTweetId?: string };
  author: { id: string; username: string; name: string; followersCount: number; followingCount: number; tweetCount: number };
}

/** What the fixtures read of a simulator account (XSimulator's account() and its admin API's view both fit). */
export interface CustomerAccount {
  id: string;
  username: string;
  name: string;
  publicMetrics: { followers_count: number; following_count: number; tweet_count: number };
}

/** An InboundMessage's author as the ingestor fills it from the account's public metrics. */
export function authorFacts(account: CustomerAccount): TweetFacts['author'] {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    followersCount: account.publicMetrics.followers_count,
    followingCount: account.publicMetrics.following_count,
    tweetCount: account.publicMetrics.tweet_count,
  };
}

/**
 * The InboundMessage for a tweet already made on the simulator, its author looked up on `accounts` (the
 * XSimulator); the author's counts are left at 1, which the specs using it do not read.
 */
export function inboundMessageOfTweet(
  accounts: { account(username: string): Pick<CustomerAccount, 'id' | 'username' | 'name'> },
  brand: TweetFacts['brand'],
  tweet: TweetFacts['tweet'] & { authorUsername: string },
): InboundMessage {
  const author = accounts.account(tweet.authorUsername);
  return inboundMessageFrom({
    brand,
    tweet,
    author: { id: author.id, username: author.username, name: author.name, followersCount: 1, followingCount: 1, tweetCount: 1 },
  });
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
