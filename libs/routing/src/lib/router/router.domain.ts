import {
  type AgentCommandPayload,
  type Classification,
  DEFAULT_CONFERENCE_MAX_AGENTS,
  DEFAULT_NOT_READY_REASONS,
  type EventEnvelope,
  type InboundClassifiedPayload,
  type InteractionEventType,
  MAX_CONFERENCE_AGENTS,
  MISSED_OFFER_REASON,
  Topics,
} from '@perch/contracts';
import type { EventPublisher } from '@perch/messaging';
import {
  assertUnreachable,
  type Clock,
  crashPoint,
  DropError,
  errorMessage,
  type Logger,
  newId,
  ValidationFailedError,
} from '@perch/platform';

import { OutboxRelay, type OutboxRelayCounters, type OutboxRelayOptions } from '../outbox/outbox-relay.domain';
import { type LifecycleExtras, lifecyclePayload, toChangeTrace } from '../outbox/routing-events.util';
import { priorityOf } from '../priority.util';
import { RoutingErrorCode } from '../routing.errors';
import { ruleRequirementOf, type SkillRule, skillsOfRules, skillsOutsideCatalog } from '../skill-rules.util';
import {
  type ConferenceRefusal,
  type ExpiredOffer,
  type InteractionRecord,
  type Offer,
  type StaleResult,
  type TransferRefusal,
  type UpsertInteractionInput,
} from '../routing.types';
import { type RoutingStore } from '../store/routing-store.port';

/** Far more than the offers made while one step runs, even at thousands of steps a second. */
const RECENTLY_OFFERED_CAPACITY = 10_000;

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
  /** Skill an interaction requires, if any, when no skill rule applies; default none (one queue per tenant). */
  requiredSkillOf?: (payload: InboundClassifiedPayload) => string | undefined;
  /**
   * Requirement rules (ROUTER_SKILL_RULES): the FIRST rule whose conditions all hold (brand, language, sentiment,
   * actionability) gives a new interaction its required skill, minimum level and widening. None applying: requiredSkillOf.
   */
  skillRules?: readonly SkillRule[];
  /**
   * Optional skill catalog (ROUTER_SKILLS): a presence with a skill outside it is refused (ValidationFailedError naming
   * it, nothing changed), and so is a rule asking for one (at construction, i.e. start-up).
   */
  skillCatalog?: readonly string[];
  /**
   * The not-ready reason codes a presence may carry (default DEFAULT_NOT_READY_REASONS); missed-offer, the reason the
   * router gives a missed offer itself, is always allowed.
   */
  notReadyReasons?: readonly string[];
  /** How long a change taken by a relay that never acknowledged it waits before another takes it (DEFAULT_OUTBOX_RECLAIM_MS). */
  outboxReclaimMs?: number;
  /** Where the outbox relay counts (for /metrics). */
  outboxCounters?: OutboxRelayCounters;
  /** Where a change whose events break their contract is dead-lettered (the bus's writer). */
  outboxDeadLetter?: OutboxRelayOptions['deadLetter'];
  /** A conference's agents at most, counting the holder (default DEFAULT_CONFERENCE_MAX_AGENTS, 2..MAX_CONFERENCE_AGENTS). */
  conferenceMaxAgents?: number;
}

/** What caused a routing step, for the events it publishes. */
interface Trigger {
  causationId?: string;
  /** The triggering event's correlation, for events that have none of their own (an agent's state). */
  correlationId?: string;
}

/**
 * The router's behaviour, in plain TypeScript: turns classified messages and agent commands into store
 * operations and lifecycle events. Every state change is one atomic store call, so any number of
 * replicas can run this against a shared store. Each change is recorded in the store's outbox by that same call and
 * announced by the relay (eventsOfChange), which every step flushes before it ends: state and events cannot diverge,
 * whatever crashes when. Events carry the interaction's correlationId (born with its first tweet) and, as
 * causationId, the event that triggered them.
 */
export class RouterService {
  private readonly maxOffersPerTrigger: number;
  private readonly sweepBatchSize: number;
  private readonly priorityRule: (classification: Classification) => number;
  private readonly notReadyReasons: ReadonlySet<string>;
  /** Publishes the store's recorded changes: the only way this router's state changes are announced. */
  readonly relay: OutboxRelay;
  private readonly conferenceMaxAgents: number;
  private timer: NodeJS.Timeout | undefined;
  /**
   * Interactions this process offered lately, whichever step's loop did: under load many steps dispatch at once and one
   * step's loop often offers another step's new interaction, which must not then be announced 'queued' as well.
   */
  private readonly recentlyOffered = new Set<string>();
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
    this.relay = new OutboxRelay(store, publisher, logger, {
      tenant: options.tenant,
      offerTimeoutMs: options.offerTimeoutMs,
      ...(options.outboxReclaimMs === undefined ? {} : { reclaimIdleMs: options.outboxReclaimMs }),
      ...(options.outboxCounters === undefined ? {} : { counters: options.outboxCounters }),
      ...(options.outboxDeadLetter === undefined ? {} : { deadLetter: options.outboxDeadLetter }),
    });
    this.maxOffersPerTrigger = options.maxOffersPerTrigger ?? 200;
    this.sweepBatchSize = options.sweepBatchSize ?? 100;
    this.priorityRule = options.priorityOf ?? priorityOf;
    this.notReadyReasons = new Set([...(options.notReadyReasons ?? DEFAULT_NOT_READY_REASONS), MISSED_OFFER_REASON]);
    // A rule asking for a skill the catalog does not list could never be met: refuse it at start-up.
    if (options.skillCatalog !== undefined) {
      const unknown = skillsOfRules(options.skillRules ?? []).filter((skill) => !options.skillCatalog?.includes(skill));
      if (unknown.length > 0) {
        throw new ValidationFailedError(`Skill rules name skills outside the catalog: ${unknown.join(', ')}`, [
          { field: 'skillRules', messages: unknown.map((skill) => `"${skill}" is not in the skill catalog`) },
        ]);
      }
    }
    this.conferenceMaxAgents = options.conferenceMaxAgents ?? DEFAULT_CONFERENCE_MAX_AGENTS;
    if (!Number.isInteger(this.conferenceMaxAgents) || this.conferenceMaxAgents < 2 || this.conferenceMaxAgents > MAX_CONFERENCE_AGENTS) {
      throw new ValidationFailedError(`Invalid conference size ${this.conferenceMaxAgents}`, [
        { field: 'conferenceMaxAgents', messages: [`must be an integer 2..${MAX_CONFERENCE_AGENTS} (the holder and its guests)`] },
      ]);
    }
  }

  async handleClassified(event: EventEnvelope<InboundClassifiedPayload>): Promise<void> {
    const interactionIdIfNew = newId();
    // A 'created' waits for this step's flush, after its dispatch loop, even if another step's flush takes it first, so
    // it can ride on its offer (ADR 0035). Held before the upsert: no other flush can read it before the hold.
    const release = this.relay.holdCreation(interactionIdIfNew);
    try {
      await this.routeClassified(event, interactionIdIfNew, release);
    } finally {
      release();
    }
  }

  private async routeClassified(event: EventEnvelope<InboundClassifiedPayload>, interactionIdIfNew: string, release: () => void): Promise<void> {
    const { message, classification } = event.payload;
    const trigger: Trigger = { causationId: event.eventId };
    const result = await this.store.upsertInteraction({
      message,
      classification,
      priority: this.priorityRule(classification),
      correlationId: event.correlationId,
      interactionIdIfNew,
      ...this.requirementOf(event.payload),
      now: this.clock.now(),
    }, toChangeTrace(trigger));
    crashPoint('router.after-upsert');
    if (result.kind !== 'created') release();

    if (result.kind === 'duplicate') {
      this.logger.debug(
        { correlationId: event.correlationId, messageId: message.messageId, interactionId: result.interactionId },
        'redelivered message ignored',
      );
      // The first delivery may have died between upsert and dispatch; dispatching again is harmless (and its
      // 'created' is in the outbox: the dispatch loop's flush publishes it if nobody did).
      await this.dispatchLoop(trigger);
      return;
    }

    // 'created' or 'message-added' leaves with the dispatch loop's flush, before the offers the loop made.
    const { interaction } = result;
    const offers = await this.dispatchLoop(trigger, result, release);
    if (result.kind === 'created' && !offers.some((offer) => offer.interactionId === interaction.interactionId) && !this.recentlyOffered.has(interaction.interactionId)) {
      // Informational ('created' already means waiting), so published directly rather than through the outbox.
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
        this.assertKnownSkills(command);
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
        }, toChangeTrace({ ...trigger, cause: command.cause ?? 'agent', ...(command.actorId === undefined ? {} : { actorId: command.actorId }) }));
        crashPoint('router.after-presence');
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
        // The agent's new state, its withdrawn offers ('queued') and the conferences it left go out with the flush.
        if (agent.heldByOfflineAgent !== undefined) {
          this.logger.warn({ agentId: agent.agentId, cause, interactions: agent.heldByOfflineAgent }, 'agent offline holding assigned work');
        }
        // A newly ready agent (or one with more capacity), or withdrawn offers, get dispatched at once.
        await this.dispatchLoop(trigger, agent);
        return;
      }
      case 'accept': {
        const { interactionId, offerId } = requireOffer(command);
        const result = await this.store.accept(interactionId, offerId, command.agentId, now, toChangeTrace(trigger));
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleAccept);
        crashPoint('router.after-accept');
        // 'already-accepted' is this command redelivered: its first delivery's change is in the outbox, announced by
        // whichever flush or reclaim reaches it first.
        if (result.kind === 'accepted' && result.transferredFrom !== undefined) {
          // A transfer taken over: the previous holder's slot is free now.
          await this.dispatchLoop(trigger, result);
          return;
        }
        // A guest joining a conference or a plain accept frees nothing.
        await this.relay.flush();
        return;
      }
      case 'decline': {
        const { interactionId, offerId } = requireOffer(command);
        const result = await this.store.decline(
          interactionId,
          offerId,
          command.agentId,
          now,
          toChangeTrace({ ...trigger, ...(command.note === undefined ? {} : { reason: command.note }) }),
        );
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleDecline);
        if (result.conferenceDeclined || result.transferDeclined) {
          // The holder keeps it: nothing was freed, so nothing to dispatch.
          await this.relay.flush();
          return;
        }
        await this.dispatchLoop(trigger, result);
        return;
      }
      case 'complete': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        const result = await this.store.complete(
          command.interactionId,
          command.agentId,
          now,
          toChangeTrace({
            ...trigger,
            ...(command.disposition === undefined ? {} : { disposition: command.disposition }),
            ...(command.note === undefined ? {} : { note: command.note }),
          }),
        );
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleComplete);
        // 'completed' (with the disposition and note) and a wrap-up leave with the dispatch loop's flush.
        await this.dispatchLoop(trigger, result);
        return;
      }
      case 'transfer': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        const reason = (command.transferReason ?? '').slice(0, 500);
        if (command.toAgentId !== undefined) {
          await this.offerTransfer(command, command.interactionId, command.toAgentId, reason, trigger, now);
          return;
        }
        const result = await this.store.transferToQueue(command.interactionId, command.agentId, now, toChangeTrace({ ...trigger, reason }));
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleTransfer);
        const offers = await this.dispatchLoop(trigger, result);
        if (!offers.some((offer) => offer.interactionId === command.interactionId)) {
          // Informational, like the 'queued' after 'created'.
          await this.publishLifecycle('queued', result.interaction, trigger, { reason: `transferred by ${command.agentId}: ${reason}`.slice(0, 500) });
        }
        return;
      }
      case 'conference': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        if (command.toAgentId === undefined) throw invalidCommand(command, 'toAgentId');
        await this.offerConference(command, command.interactionId, command.toAgentId, (command.conferenceReason ?? '').slice(0, 500), trigger, now);
        return;
      }
      case 'leave-conference': {
        if (command.interactionId === undefined) throw invalidCommand(command, 'interactionId');
        const result = await this.store.leaveConference({
          interactionId: command.interactionId,
          agentId: command.agentId,
          ...(command.toAgentId === undefined ? {} : { handOverTo: command.toAgentId }),
          now,
        }, toChangeTrace(trigger));
        if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleConference);
        // 'conference-left' or 'conference-handed-over' leaves with the dispatch loop's flush. A slot was freed: waiting work may fit now.
        await this.dispatchLoop(trigger, result);
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
      // Their events (timed out, the silent agent's not-ready) leave with the flush below.
      for (const entry of expired) {
        all.push(entry);
        if (entry.transfer || entry.conference) continue;
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
      }
      if (expired.length < this.sweepBatchSize) break;
    }
    for (;;) {
      const ready = await this.store.endWrapUps(this.clock.now(), this.sweepBatchSize);
      if (ready.length < this.sweepBatchSize) break;
    }
    for (;;) {
      // Widenings and sticky waits due: the interaction may now go to more agents, so the dispatch below may offer it.
      const changes = await this.store.sweepRequirements(this.clock.now(), this.sweepBatchSize);
      for (const change of changes) {
        // 'requirement-widened' leaves with the dispatch loop's flush below, through the outbox.
        const { interaction } = change;
        this.logger.info(
          {
            correlationId: interaction.correlationId,
            interactionId: interaction.interactionId,
            ...(change.kind === 'widened'
              ? { from: change.previousSkill ?? '', to: interaction.requiredSkill ?? '' }
              : { stickyAgentId: interaction.stickyAgentId }),
          },
          change.kind === 'widened' ? 'requirement widened' : 'sticky wait over',
        );
      }
      if (changes.length < this.sweepBatchSize) break;
    }
    await this.dispatchLoop({});
    // Changes a dead replica's relay took and never acknowledged.
    await this.relay.reclaim();
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
      // Kept on the pending offer too, so the target's reads after a reload show it.
      reason,
    }, toChangeTrace({ ...trigger, reason }));
    if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleTransfer);
    if (result.kind === 'refused') {
      // The gateway checks the same before publishing; this is the race it cannot see (the target went offline or filled up).
      throw this.refusal(command, result.reason, RoutingErrorCode.TransferRefused);
    }
    await this.relay.flush();
  }

  /** Conference: an invitation to `toAgentId` while the holder keeps the interaction (see RoutingStore.offerConference). */
  private async offerConference(
    command: AgentCommandPayload,
    interactionId: string,
    toAgentId: string,
    reason: string,
    trigger: Trigger,
    now: number,
  ): Promise<void> {
    const result = await this.store.offerConference({
      interactionId,
      fromAgentId: command.agentId,
      toAgentId,
      offerId: newId(),
      now,
      offerTimeoutMs: this.options.offerTimeoutMs,
      maxAgents: this.conferenceMaxAgents,
      reason,
    }, toChangeTrace({ ...trigger, reason }));
    if (result.kind === 'stale') throw this.refusal(command, result.reason, RoutingErrorCode.StaleConference);
    // The gateway checks the same before publishing; this is the race it cannot see.
    if (result.kind === 'refused') throw this.refusal(command, result.reason, RoutingErrorCode.ConferenceRefused);
    await this.relay.flush();
  }

  /**
   * Offers until no waiting interaction fits an available agent (or the per-trigger bound). `after`: the result of the
   * step's own change, when its store call can tell (RoutingStore.mayDispatchAfter); the sweep passes none and always
   * dispatches. `beforeFlush`: run once the offers are made, before the step's flush (releases a held creation).
   *
   * A dispatch is skipped only when the store call just before it (the step's change, or its last offer) saw, in its own
   * atomic step after its change, an empty queue or no available agent: a dispatch run right then would return nothing
   * and write nothing, whatever `now`. So every run of this loop is a run of the loop that makes that call, with the
   * call scheduled immediately after the one that saw it: a schedule the store may always pick, whatever other replicas
   * do. The completeness guarantee (after every step no waiting interaction fits an available agent) held for every
   * schedule, so it holds here: what other replicas change after that point is their step's, and their own loop (or
   * their own certificate) covers it.
   */
  private async dispatchLoop(trigger: Trigger, after?: object, beforeFlush?: () => void): Promise<Offer[]> {
    const offers: Offer[] = [];
    let mayDispatch = after === undefined || this.store.mayDispatchAfter(after);
    while (mayDispatch && offers.length < this.maxOffersPerTrigger) {
      const offer = await this.store.dispatch(this.clock.now(), this.options.offerTimeoutMs, newId(), toChangeTrace(trigger));
      if (!offer) break;
      crashPoint('router.after-dispatch');
      offers.push(offer);
      this.noteOffered(offer.interactionId);
      mayDispatch = this.store.mayDispatchAfter(offer);
      this.logger.info(
        {
          correlationId: offer.interaction.correlationId,
          interactionId: offer.interactionId,
          agentId: offer.agentId,
          offerId: offer.offerId,
        },
        'interaction offered',
      );
    }
    // Every change of this step (the trigger's own, then the offers) is announced before the step ends.
    beforeFlush?.();
    await this.relay.flush();
    return offers;
  }

  private noteOffered(interactionId: string): void {
    this.recentlyOffered.add(interactionId);
    // Bounded: only the last moments matter (the step that created it is still running).
    if (this.recentlyOffered.size > RECENTLY_OFFERED_CAPACITY) {
      const oldest = this.recentlyOffered.values().next();
      if (oldest.done !== true) this.recentlyOffered.delete(oldest.value);
    }
  }

  /** An event that announces no state change of its own (so not through the outbox): the informational 'queued'. */
  private async publishLifecycle(type: InteractionEventType, interaction: InteractionRecord, trigger: Trigger, extras: LifecycleExtras): Promise<void> {
    await this.publisher.publish(Topics.InteractionLifecycle, lifecyclePayload(type, interaction, extras), {
      correlationId: interaction.correlationId,
      ...(trigger.causationId === undefined ? {} : { causationId: trigger.causationId }),
    });
  }

  /**
   * A new interaction's requirement: the first skill rule that applies (brand account by id or username, the message's
   * language, the classification), else requiredSkillOf, else none.
   */
  private requirementOf(payload: InboundClassifiedPayload): Pick<UpsertInteractionInput, 'requiredSkill' | 'requiredLevel' | 'widen'> {
    const { message, classification } = payload;
    const rule = ruleRequirementOf(this.options.skillRules ?? [], {
      brandAccountId: message.brandAccountId,
      brandUsername: message.brandUsername,
      ...(message.lang === undefined ? {} : { lang: message.lang }),
      classification,
    });
    if (rule) {
      return {
        requiredSkill: rule.requiredSkill,
        ...(rule.requiredLevel > 1 ? { requiredLevel: rule.requiredLevel } : {}),
        ...(rule.widen === undefined ? {} : { widen: rule.widen }),
      };
    }
    const requiredSkill = this.options.requiredSkillOf?.(payload);
    return requiredSkill === undefined ? {} : { requiredSkill };
  }

  /** With a skill catalog, a presence may carry only skills it lists (levels aside). Nothing changes otherwise. */
  private assertKnownSkills(command: AgentCommandPayload): void {
    const catalog = this.options.skillCatalog;
    if (catalog === undefined || command.skills === undefined) return;
    const unknown = skillsOutsideCatalog(command.skills, catalog);
    if (unknown.length > 0) {
      throw new ValidationFailedError(`Unknown skills ${unknown.join(', ')}`, [
        { field: 'skills', messages: unknown.map((skill) => `"${skill}" is not in the skill catalog (${catalog.join(', ')})`) },
      ]);
    }
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

  /** `reason`: the store's stale reason, or a transfer or conference refusal. */
  private refusal(command: AgentCommandPayload, reason: StaleResult['reason'] | TransferRefusal | ConferenceRefusal, code: RoutingErrorCode): DropError<RoutingErrorCode> {
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
