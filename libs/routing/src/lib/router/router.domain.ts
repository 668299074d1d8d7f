import {
  type AgentCommandPayload,
  type AgentStateCause,
  type AgentStatePayload,
  type Classification,
  DEFAULT_NOT_READY_REASONS,
  type EventEnvelope,
  type InboundClassifiedPayload,
  type InteractionEventType,
  type InteractionLifecyclePayload,
  MISSED_OFFER_REASON,
  Topics,
} from '@perch/contracts';
import type { EventPublisher } from '@perch/messaging';
import {
  assertUnreachable,
  type Clock,
  DropError,
  errorMessage,
  type Logger,
  newId,
  ValidationFailedError,
} from '@perch/platform';

import { channelOf, priorityOf } from '../priority.util';
import { RoutingErrorCode } from '../routing.errors';
import { type AgentRecord, type ExpiredOffer, type InteractionRecord, type Offer, type StaleResult, type TransferRefusal } from '../routing.types';
import { type RoutingStore } from '../store/routing-store.port';

export interface RouterServiceOptions {
  tenant: string;
  /** How long an agent has to accept or decline an offer. */
  offerTimeoutMs: number;
  /** How often expired offers are looked for; the effective timeout is up to offerTimeoutMs + this. */
  sweepIntervalMs: number;
  /** Offers made per trigger at most, so one event cannot hold its consumer forever (default 200). */
  maxOffersPerTrigger?: number;
  /** Expired offers handled per sweep script call (default 100). */
  sweepBatchSize?: number;
  /** Priority rule; defaults to priorityOf (actionable+negative 3, actionable 2, undeclared 1, else 0). */
  priorityOf?: (classification: Classification) => number;
  /** Skill an interaction requires, if any; default none (one queue per tenant). */
  requiredSkillOf?: (payload: InboundClassifiedPayload) => string | undefined;
  /**
   * The not-ready reason codes a presence may carry (default DEFAULT_NOT_READY_REASONS); missed-offer, the reason the
   * router gives a missed offer itself, is always allowed.
   */
  notReadyReasons?: readonly string[];
}

/** What caused a routing step, for the events it publishes. */
interface Trigger {
  causationId?: string;
  /** The triggering event's correlation, for events that have none of their own (an agent's state). */
  correlationId?: string;
}

type LifecycleExtras = Partial<
  Pick<
    InteractionLifecyclePayload,
    'agentId' | 'fromAgentId' | 'offerId' | 'offerExpiresAt' | 'message' | 'classification' | 'reason' | 'disposition' | 'note'
  >
>;

/**
 * The router's behaviour, in plain TypeScript: turns classified messages and agent commands into store
 * operations and lifecycle events. Every state change is one atomic store call, so any number of
 * replicas can run this against a shared store. Events carry the interaction's correlationId (born with
 * its first tweet) and, as causationId, the event that triggered them.
 */
export class RouterService {
  private readonly maxOffersPerTrigger: number;
  private readonly sweepBatchSize: number;
  private readonly priorityRule: (classification: Classification) => number;
  private readonly notReadyReasons: ReadonlySet<string>;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private sweepOwed = false;

  constructor(
    private readonly store: RoutingStore,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: RouterServiceOptions,
  ) {
    // A router wired to another tenant's store would route that tenant's customers: refuse at start-up.
    if (store.tenant !== options.tenant) {
      throw new ValidationFailedError(`Router tenant ${options.tenant} does not match store tenant ${store.tenant}`, [
        { field: 'tenant', messages: ['must equal the store tenant'] },
      ]);
    }
    this.maxOffersPerTrigger = options.maxOffersPerTrigger ?? 200;
    this.sweepBatchSize = options.sweepBatchSize ?? 100;
    this.priorityRule = options.priorityOf ?? priorityOf;
    this.notReadyReasons = new Set([...(options.notReadyReasons ?? DEFAULT_NOT_READY_REASONS), MISSED_OFFER_REASON]);
  }

  async handleClassified(event: EventEnvelope<InboundClassifiedPayload>): Promise<void> {
    const { message, classification } = event.payload;
    const requiredSkill = this.options.requiredSkillOf?.(event.payload);
    const result = await this.store.upsertInteraction({
      message,
      classification,
      priority: this.priorityRule(classification),
      correlationId: event.correlationId,
      interactionIdIfNew: newId(),
      ...(requiredSkill === undefined ? {} : { requiredSkill }),
      now: this.clock.now(),
    });
    const trigger: Trigger = { causationId: event.eventId };

    if (result.kind === 'duplicate') {
      this.logger.debug(
        { correlationId: event.correlationId, messageId: message.messageId, interactionId: result.interactionId },
        'redelivered message ignored',
      );
      // The first delivery may have died between upsert and dispatch; dispatching again is harmless.
      await this.dispatchLoop(trigger);
      return;
    }

    const { interaction } = result;
    if (result.kind === 'created') {
      await this.publishLifecycle('created', interaction, trigger, { message, classification });
    } else {
      // The new message, not the first: the agent holding the interaction (if any) is told it arrived.
      await this.publishLifecycle('message-added', interaction, trigger, {
        message,
        classification,
        ...(interaction.agentId === undefined ? {} : { agentId: interaction.agentId }),
      });
    }

    const offers = await this.dispatchLoop(trigger);
    if (result.kind === 'created' && !offers.some((offer) => offer.interactionId === interaction.interactionId)) {
      await this.publishLifecycle('queued', interaction, trigger, { reason: 'no available agent' });
    }
  }

  async handleAgentCommand(event: EventEnvelope<AgentCommandPayload>): Promise<void> {
    const command = event.payload;
    const trigger: Trigger = { causationId: event.eventId, correlationId: event.correlationId };
    const now = this.clock.now();
    switch (command.type) {
      case 'presence': {
        if (command.presence === undefined) throw invalidCommand(command, 'presence');
        this.assertReason(command);
        const agent = await this.store.setPresence({
          agentId: command.agentId,
          state: command.presence,
          ...(command.reason === undefined ? {} : { reason: command.reason }),
          ...(command.capacity === undefined ? {} : { capacity: command.capacity }),
          ...(command.capacityByChannel === undefined
            ? {}
            : { capacityByChannel: { public: command.capacityByChannel.public, dm: command.capacityByChannel.dm } }),
          ...(command.skills === undefined ? {} : { skills: command.skills }),
          now,
        });
        this.logger.info(
          {
            agentId: agent.agentId,
            state: agent.state,
            capacity: agent.capacity,
            load: agent.load,
            ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: agent.capacityByChannel, loadByChannel: agent.loadByChannel }),
          },
          'agent presence',
        );
        const cause = command.cause ?? 'agent';
        // Offers withdrawn from an agent gone offline are queued again: 'queued' names the agent and the offer, so
        // the agent's other desktops drop them and the projection shows them waiting.
        for (const withdrawn of agent.withdrawnOffers ?? []) {
          await this.publishLifecycle('queued', withdrawn.interaction, trigger, {
            agentId: withdrawn.agentId,
            offerId: withdrawn.offerId,
            reason: `offer withdrawn: agent offline (${cause})`,
          });
        }
        await this.publishAgentState(agent, cause, trigger, {
          ...(command.actorId === undefined ? {} : { actorId: command.actorId }),
          ...(agent.withdrawnOffers === undefined ? {} : { withdrawnOffers: agent.withdrawnOffers.map((w) => w.interaction.interactionId) }),
          ...(agent.heldByOfflineAgent === undefined ? {} : { heldByOfflineAgent: agent.heldByOfflineAgent }),
        });
        if (agent.heldByOfflineAgent !== undefined) {
          this.logger.warn({ agentId: agent.agentId, cause, interactions: agent.heldByOfflineAgent }, 'agent offline holding assigned work');
        }
        // A newly ready agent (or one with more capacity), or withdrawn offers, get dispatched at once.
        await this.dispatchLoop(trigger);
        return;
      }
      case 'accept': {
        const { interactionId, offerId } = requireOffer(command);
        const result = await this.store.accept(interactionId, offerId, command.agentId, now);
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleAccept);
        // 'already-accepted' is this command redelivered: its first delivery may have died between the store
        // and the publish, so the event goes out again (its consumers apply it idempotently).
        if (result.kind === 'accepted' && result.transferredFrom !== undefined) {
          // A transfer taken over: the event names the previous holder (its desktop drops it), whose slot is free now.
          await this.publishLifecycle('accepted', result.interaction, trigger, { agentId: command.agentId, offerId, fromAgentId: result.transferredFrom });
          await this.dispatchLoop(trigger);
          return;
        }
        await this.publishLifecycle('accepted', result.interaction, trigger, { agentId: command.agentId, offerId });
        return;
      }
      case 'decline': {
        const { interactionId, offerId } = requireOffer(command);
        const result = await this.store.decline(interactionId, offerId, command.agentId, now);
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleDecline);
        if (result.transferDeclined) {
          // The holder keeps it: nothing was freed, so nothing to dispatch.
          await this.publishLifecycle('transfer-declined', result.interaction, trigger, {
            agentId: command.agentId,
            ...(result.interaction.agentId === undefined ? {} : { fromAgentId: result.interaction.agentId }),
            offerId,
            ...(command.note === undefined ? {} : { reason: command.note.slice(0, 500) }),
          });
          return;
        }
        await this.publishLifecycle('declined', result.interaction, trigger, {
          agentId: command.agentId,
          offerId,
          ...(command.note === undefined ? {} : { reason: command.note.slice(0, 500) }),
        });
        await this.dispatchLoop(trigger);
        return;
      }
      case 'complete': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        const result = await this.store.complete(command.interactionId, command.agentId, now);
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleComplete);
        // 'already-completed': republished for the same reason as a redelivered accept.
        // The disposition stays in `reason` too, for consumers that read it there; the note was once dropped here.
        await this.publishLifecycle('completed', result.interaction, trigger, {
          agentId: command.agentId,
          ...(command.disposition === undefined ? {} : { reason: command.disposition, disposition: command.disposition }),
          ...(command.note === undefined ? {} : { note: command.note }),
        });
        if (result.kind === 'completed' && result.presenceChange) {
          await this.publishAgentState(result.presenceChange, 'agent', trigger, { interactionId: command.interactionId });
        }
        await this.dispatchLoop(trigger);
        return;
      }
      case 'transfer': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        const reason = (command.transferReason ?? '').slice(0, 500);
        if (command.toAgentId !== undefined) {
          await this.offerTransfer(command, command.interactionId, command.toAgentId, reason, trigger, now);
          return;
        }
        const result = await this.store.transferToQueue(command.interactionId, command.agentId, now);
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleTransfer);
        // The transcript and notes live with the interaction, not the agent: whoever is offered it next sees them.
        await this.publishLifecycle('transferred', result.interaction, trigger, { agentId: command.agentId, reason });
        const offers = await this.dispatchLoop(trigger);
        if (!offers.some((offer) => offer.interactionId === command.interactionId)) {
          await this.publishLifecycle('queued', result.interaction, trigger, { reason: `transferred by ${command.agentId}: ${reason}`.slice(0, 500) });
        }
        return;
      }
      default:
        assertUnreachable(command.type);
    }
  }

  /** Starts the sweeper: expired offers → offer-timed-out, wrap-ups due → ready, then waiting work is dispatched. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.sweepIntervalMs);
    // The consumer keeps the process alive; the sweeper alone must not.
    this.timer.unref();
  }

  /** Stops the sweeper and waits for a sweep in progress to finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /**
   * One sweep: every offer past its deadline is requeued (and its silent agent set not-ready), then the
   * dispatch loop runs, which also picks up work a crashed replica left queued. Public for tests and for
   * callers that drive time themselves.
   */
  async sweepOnce(): Promise<ExpiredOffer[]> {
    const all: ExpiredOffer[] = [];
    for (;;) {
      const expired = await this.store.sweepExpiredOffers(this.clock.now(), this.sweepBatchSize);
      for (const entry of expired) {
        all.push(entry);
        if (entry.transfer) {
          // A transfer nobody answered: the holder keeps it, and the silent target keeps its state.
          await this.publishLifecycle('transfer-timed-out', entry.interaction, {}, {
            agentId: entry.agentId,
            ...(entry.interaction.agentId === undefined ? {} : { fromAgentId: entry.interaction.agentId }),
            offerId: entry.offerId,
            reason: `transfer not answered within ${this.options.offerTimeoutMs} ms`,
          });
          continue;
        }
        this.logger.warn(
          {
            correlationId: entry.interaction.correlationId,
            interactionId: entry.interaction.interactionId,
            agentId: entry.agentId,
            offerId: entry.offerId,
            agentSetNotReady: entry.agentSetNotReady,
          },
          'offer timed out',
        );
        await this.publishLifecycle(
          'offer-timed-out',
          entry.interaction,
          {},
          {
            agentId: entry.agentId,
            offerId: entry.offerId,
            reason: entry.agentSetNotReady
              ? `not answered within ${this.options.offerTimeoutMs} ms; agent set not-ready`
              : `not answered within ${this.options.offerTimeoutMs} ms`,
          },
        );
        const changed = entry.presenceChange ?? (entry.agentSetNotReady ? await this.store.getAgent(entry.agentId) : undefined);
        if (changed) await this.publishAgentState(changed, 'offer-timeout', {}, { interactionId: entry.interaction.interactionId });
      }
      if (expired.length < this.sweepBatchSize) break;
    }
    for (;;) {
      const ready = await this.store.endWrapUps(this.clock.now(), this.sweepBatchSize);
      for (const agent of ready) await this.publishAgentState(agent, 'wrap-up-timeout', {}, {});
      if (ready.length < this.sweepBatchSize) break;
    }
    await this.dispatchLoop({});
    return all;
  }

  private tick(): void {
    // One sweep at a time per replica; replicas sweeping at once is safe (the script settles each offer once).
    // A tick that finds a sweep still running (a long dispatch loop) is owed, not dropped: it runs as soon as that
    // sweep ends, so a deadline waits at most one interval plus the sweep in progress (the 1 s timeout guarantee).
    if (this.sweeping) {
      this.sweepOwed = true;
      return;
    }
    this.sweeping = this.sweepOnce()
      .then(() => undefined)
      .catch((error: unknown) => {
        this.logger.error({ err: errorMessage(error), tenant: this.options.tenant }, 'offer sweep failed');
      })
      .finally(() => {
        this.sweeping = undefined;
        if (this.sweepOwed && this.timer) {
          this.sweepOwed = false;
          this.tick();
        }
      });
  }

  /** Transfer to a named agent: an offer to them while the holder keeps the interaction (see RoutingStore.offerTransfer). */
  private async offerTransfer(
    command: AgentCommandPayload,
    interactionId: string,
    toAgentId: string,
    reason: string,
    trigger: Trigger,
    now: number,
  ): Promise<void> {
    const result = await this.store.offerTransfer({
      interactionId,
      fromAgentId: command.agentId,
      toAgentId,
      offerId: newId(),
      now,
      offerTimeoutMs: this.options.offerTimeoutMs,
    });
    if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleTransfer);
    if (result.kind === 'refused') {
      // The gateway checks the same before publishing; this is the race it cannot see (the target went offline or filled up).
      throw this.refusal(command, result.reason, RoutingErrorCode.TransferRefused);
    }
    const { interaction, transferOffer } = result;
    await this.publishLifecycle('transfer-offered', interaction, trigger, {
      agentId: toAgentId,
      fromAgentId: command.agentId,
      offerId: transferOffer.offerId,
      offerExpiresAt: new Date(transferOffer.expiresAt).toISOString(),
      message: interaction.firstMessage,
      classification: interaction.classification,
      reason,
    });
  }

  /** Offers until no waiting interaction fits an available agent (or the per-trigger bound). */
  private async dispatchLoop(trigger: Trigger): Promise<Offer[]> {
    const offers: Offer[] = [];
    while (offers.length < this.maxOffersPerTrigger) {
      const offer = await this.store.dispatch(this.clock.now(), this.options.offerTimeoutMs, newId());
      if (!offer) break;
      offers.push(offer);
      this.logger.info(
        {
          correlationId: offer.interaction.correlationId,
          interactionId: offer.interactionId,
          agentId: offer.agentId,
          offerId: offer.offerId,
        },
        'interaction offered',
      );
      await this.publishLifecycle('offered', offer.interaction, trigger, {
        agentId: offer.agentId,
        offerId: offer.offerId,
        offerExpiresAt: new Date(offer.expiresAt).toISOString(),
        message: offer.interaction.firstMessage,
        classification: offer.interaction.classification,
      });
    }
    return offers;
  }

  private async publishLifecycle(
    type: InteractionEventType,
    interaction: InteractionRecord,
    trigger: Trigger,
    extras: LifecycleExtras,
  ): Promise<void> {
    const payload: InteractionLifecyclePayload = {
      interactionId: interaction.interactionId,
      type,
      conversationKey: interaction.conversationKey,
      brandAccountId: interaction.brandAccountId,
      priority: interaction.priority,
      // The queue and the age, so consumers (supervisors' counters) need no state of their own to place an event.
      channel: channelOf(interaction.firstMessage),
      ...(interaction.requiredSkill === undefined ? {} : { requiredSkill: interaction.requiredSkill }),
      interactionCreatedAt: new Date(interaction.createdAt).toISOString(),
      ...extras,
    };
    await this.publisher.publish(Topics.InteractionLifecycle, payload, {
      correlationId: interaction.correlationId,
      ...(trigger.causationId === undefined ? {} : { causationId: trigger.causationId }),
    });
  }

  /**
   * An agent's state as the router just set it, to routing.agent.v1 (key: agent): whoever changed it, the agent's
   * desktops and supervisors learn it from here. Published after the store changed, like the lifecycle events.
   */
  private async publishAgentState(
    agent: AgentRecord,
    cause: AgentStateCause,
    trigger: Trigger,
    extras: Partial<Pick<AgentStatePayload, 'actorId' | 'interactionId' | 'withdrawnOffers' | 'heldByOfflineAgent'>>,
  ): Promise<void> {
    const payload: AgentStatePayload = {
      agentId: agent.agentId,
      state: agent.state,
      ...(agent.reason === undefined ? {} : { reason: agent.reason }),
      since: new Date(agent.stateSince).toISOString(),
      ...(agent.wrapUpUntil === undefined ? {} : { wrapUpEndsAt: new Date(agent.wrapUpUntil).toISOString() }),
      cause,
      capacity: agent.capacity,
      load: agent.load,
      ...(agent.capacityByChannel === undefined ? {} : { capacityByChannel: { ...agent.capacityByChannel } }),
      loadByChannel: { ...agent.loadByChannel },
      ...extras,
    };
    this.logger.info(
      { agentId: agent.agentId, state: agent.state, reason: agent.reason, cause, ...(extras.actorId === undefined ? {} : { actorId: extras.actorId }) },
      'agent state',
    );
    // The command's correlation when there is one; a timer's change has none, and the agent's id ties it to the rest.
    await this.publisher.publish(Topics.AgentState, payload, {
      correlationId: trigger.correlationId ?? agent.agentId,
      ...(trigger.causationId === undefined ? {} : { causationId: trigger.causationId }),
    });
  }

  /** A not-ready reason must be one of the configured codes; the other states take none. Nothing changes otherwise. */
  private assertReason(command: AgentCommandPayload): void {
    if (command.reason === undefined) return;
    if (command.presence !== 'not-ready') {
      throw new ValidationFailedError(`A ${command.presence ?? 'presence'} presence takes no reason`, [
        { field: 'reason', messages: ['only a not-ready presence has a reason'] },
      ]);
    }
    if (!this.notReadyReasons.has(command.reason)) {
      throw new ValidationFailedError(`Unknown not-ready reason ${command.reason}`, [
        { field: 'reason', messages: [`must be one of: ${[...this.notReadyReasons].join(', ')}`] },
      ]);
    }
  }

  /** `reason`: the store's stale reason, or a transfer refusal. */
  private refusal(command: AgentCommandPayload, reason: StaleResult['reason'] | TransferRefusal, code: RoutingErrorCode): DropError<RoutingErrorCode> {
    const result = { reason };
    this.logger.info(
      {
        agentId: command.agentId,
        interactionId: command.interactionId,
        offerId: command.offerId,
        command: command.type,
        reason: result.reason,
      },
      'agent command refused',
    );
    return new DropError<RoutingErrorCode>(`${command.type} refused: ${result.reason}`, code, {
      reason: result.reason,
      agentId: command.agentId,
      interactionId: command.interactionId,
      offerId: command.offerId,
    });
  }
}

function requireOffer(command: AgentCommandPayload): { interactionId: string; offerId: string } {
  if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
  if (command.offerId === undefined) throw invalidCommand(command, 'offerId');
  return { interactionId: command.interactionId, offerId: command.offerId };
}

// The contract's validation already requires these fields; this guards callers that skip validation.
function invalidCommand(command: AgentCommandPayload, field: string): ValidationFailedError {
  return new ValidationFailedError(`${command.type} command without ${field}`, [
    { field, messages: [`required for ${command.type}`] },
  ]);
}
