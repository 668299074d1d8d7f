import {
  type AcceptResult,
  type AgentRecord,
  type AgentWork,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type LeaveConferenceInput,
  type LeaveConferenceResult,
  type Offer,
  type OfferConferenceInput,
  type OfferConferenceResult,
  type PresenceResult,
  type RequirementChange,
  type OfferTransferInput,
  type OfferTransferResult,
  type SetPresenceInput,
  type TransferResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
} from '../routing.types';
import { type ChangeClaim, type ChangeTrace, type RecordedChange } from '../outbox/routing-change.types';

/**
 * The router's state for one tenant. Every method that changes state is ONE atomic operation (one Lua
 * script in Redis), so several router replicas can share a store without ever offering an interaction
 * twice or loading an agent beyond capacity. Time is always passed in (`now`, ms) so tests and replicas
 * agree on it and scripts stay deterministic.
 *
 * Refusals (stale offer, not your interaction) are typed results, not exceptions: they are normal
 * outcomes of racing agents and replicas.
 */
export interface RoutingStore {
  readonly tenant: string;

  /**
   * Sets state (and a not-ready reason) and, when given, capacity and skills. Ready + free capacity → available.
   * Ready or not-ready ends a wrap-up. Offline withdraws the agent's offers in the same step (queued again at their
   * age, no decline remembered) and keeps its assigned work with it (listed in `heldByOfflineAgent`).
   */
  setPresence(input: SetPresenceInput, trace?: ChangeTrace): Promise<PresenceResult>;

  /**
   * Creates the conversation's interaction (queued) or appends to the open one. Idempotent per
   * messageId: a redelivered message returns `duplicate` and changes nothing.
   */
  upsertInteraction(input: UpsertInteractionInput, trace?: ChangeTrace): Promise<UpsertInteractionResult>;

  /**
   * Offers the best waiting interaction (lowest queueScore: priority, then age, with aging) that some
   * available agent may take (the required skill at its minimum level, room in the interaction's channel, no remembered
   * decline of it, and while the interaction is reserved for a returning customer's last agent, being that agent) to
   * the best-matching (highest level), then longest-idle of those agents. Complete: no window hides a fitting pair, however long the
   * queue or however many heads an agent cannot take. Returns undefined when no pair fits; callers loop.
   */
  dispatch(now: number, offerTimeoutMs: number, newOfferId: string, trace?: ChangeTrace): Promise<Offer | undefined>;

  /**
   * Whether a dispatch right after the call that returned `result` (an offer, an upsert, a presence, an accept, a
   * decline, a transfer to the queue, a conference left, a completion, by this store) could offer anything. False only
   * when that call saw, in its own atomic step and after its change, that no dispatch could: no waiting interaction or
   * no available agent (a dispatch then returns nothing and changes nothing, whatever `now`). True when unsure or for
   * any other value. Lets the router skip a dispatch certain to find nothing (docs/adr: router calls).
   */
  mayDispatchAfter(result: object): boolean;

  /** Only the agent's current, unexpired offer wins; anything else is `stale`. */
  accept(interactionId: string, offerId: string, agentId: string, now: number, trace?: ChangeTrace): Promise<AcceptResult>;

  /**
   * Releases the agent's slot and requeues the interaction at its original age; the agent is not offered
   * it again for the decline memory (then it may be). When every signed-in agent eligible for it declined
   * it and an overflow skill is configured, agents with that skill may take it too.
   */
  decline(interactionId: string, offerId: string, agentId: string, now: number, trace?: ChangeTrace): Promise<DeclineResult>;

  /**
   * Offers past their deadline (deadline <= now), up to `limit`: treated as a decline (remembered the same
   * bounded time), and the silent agent (ready or in wrap-up) is set not-ready with reason missed-offer so
   * offers stop going to someone who is not there.
   */
  sweepExpiredOffers(now: number, limit: number, trace?: ChangeTrace): Promise<ExpiredOffer[]>;

  /**
   * Transfer to the queue: only the agent the interaction is assigned to may. In one step its slot is released and the
   * interaction is queued again at its ORIGINAL age (no priority bump: it keeps its place ahead of younger work), with
   * the transfer remembered like a decline so it goes to someone else for the decline memory. `not-assigned` /
   * `not-your-interaction` / `unknown-interaction` otherwise, nothing changed.
   */
  transferToQueue(interactionId: string, agentId: string, now: number, trace?: ChangeTrace): Promise<TransferResult>;

  /**
   * Transfer to a named agent: an offer to `toAgentId` (deadline now + offerTimeoutMs, in the offers set) while the
   * interaction stays assigned to its holder. Refused, changing nothing: to oneself, an unknown or offline agent, or one
   * with no room in the interaction's channel. The target's slot is taken only when it accepts (accept re-checks room:
   * `target-full`); a decline or the deadline (sweepExpiredOffers, `transfer: true`) leaves it with the holder.
   */
  offerTransfer(input: OfferTransferInput, trace?: ChangeTrace): Promise<OfferTransferResult>;

  /**
   * Conference: the holder invites `toAgentId` (an offer, deadline now + offerTimeoutMs, in the offers set: a pending
   * transfer or invitation is the interaction's one live offer) while keeping the interaction. Refused, changing
   * nothing: oneself, an unknown or offline agent, one with no room in the channel, a guest already, a full conference
   * (holder + guests = maxAgents). The invitee's accept makes it a guest, taking a slot then (`target-full` without
   * room); a decline or the deadline (sweepExpiredOffers, `conference: true`) changes nothing else. While guests are
   * in, the holder may not transfer (`in-conference`); completing frees every guest's slot in the same step. Where
   * several refusals apply, the first of `transfer-pending`, `in-conference` (a transfer only), `invitation-pending`.
   */
  offerConference(input: OfferConferenceInput, trace?: ChangeTrace): Promise<OfferConferenceResult>;

  /**
   * A guest leaves the conference (slot freed). The holder leaves only by handing over to a guest (`handOverTo`): that
   * guest becomes the holder and the holder's slot is freed (`holder-must-hand-over` without it, `not-in-conference`
   * when it names no guest). Anyone else: `not-your-interaction`.
   */
  leaveConference(input: LeaveConferenceInput, trace?: ChangeTrace): Promise<LeaveConferenceResult>;

  /**
   * The assigned agent ends the interaction; the conversation's next message opens a new one. With a wrap-up time
   * (`wrapUpMs`), a ready agent (or one already in wrap-up) goes into wrap-up until now + wrapUpMs: no offers meanwhile.
   */
  complete(interactionId: string, agentId: string, now: number, trace?: ChangeTrace): Promise<CompleteResult>;

  /** Wrap-ups due (until <= now), up to `limit`, earliest first: each agent back to ready. Returns those agents. */
  endWrapUps(now: number, limit: number, trace?: ChangeTrace): Promise<AgentRecord[]>;

  /**
   * The outbox (a transactional outbox: each change above is recorded in the same atomic step that makes it, with its
   * input and `trace`, so the router's state and the events announcing it cannot diverge). A relay takes the changes
   * nobody took yet (and, with `reclaimIdleMs`, those a dead relay took and never acknowledged), oldest first, and
   * acknowledges them once their events are published; until then they stay.
   */
  claimChanges(claim: ChangeClaim): Promise<RecordedChange[]>;
  ackChanges(ids: readonly string[]): Promise<void>;
  /** Changes recorded and not yet acknowledged. */
  pendingChanges(): Promise<number>;

  /**
   * Requirement changes due (a widening's or a sticky reservation's time <= now), up to `limit` interactions, earliest
   * first: a widening sets the requirement to its `widenTo` (level 1; '' = none), a sticky wait over lets anyone eligible
   * take it; a queued interaction moves to its new group in the same step. Also forgets last agents older than the
   * sticky window. Returns the changes.
   */
  sweepRequirements(now: number, limit: number, trace?: ChangeTrace): Promise<RequirementChange[]>;

  getAgent(agentId: string): Promise<AgentRecord | undefined>;
  /** The agent and what it holds (offers and assigned work), in one consistent read; undefined for an unknown agent. */
  getAgentWork(agentId: string): Promise<AgentWork | undefined>;
  /** Live interactions, and completed ones for a retention period. */
  getInteraction(interactionId: string): Promise<InteractionRecord | undefined>;
  queueDepth(): Promise<number>;
  /** Available agents, longest-idle first, at most `limit`. */
  listAvailable(limit: number): Promise<AgentRecord[]>;
}

export interface RoutingStoreOptions {
  /**
   * How long a decline or an offer timeout keeps the interaction from that agent (default
   * DEFAULT_DECLINE_MEMORY_MS); after it the agent may be offered it again.
   */
  declineMemoryMs?: number;
  /** One priority level is worth this much waiting (default DEFAULT_AGING_STEP_MS; see queueScore). */
  agingStepMs?: number;
  /**
   * Optional overflow: when every signed-in agent eligible for an interaction has declined it (or let it
   * time out), agents with this skill may take it too. Without it the interaction waits for the decline
   * memory to end, then goes back to everyone.
   */
  overflowSkill?: string;
  /** How long a messageId is remembered for deduplication. */
  dedupeTtlMs?: number;
  /** How long a completed interaction stays readable. */
  completedRetentionMs?: number;
  /**
   * After-interaction work: how long a completion keeps a ready agent in wrap-up (no offers) before it is ready again
   * (default DEFAULT_WRAP_UP_MS: 0, no wrap-up). Up to MAX_WRAP_UP_MS.
   */
  wrapUpMs?: number;
  /**
   * Sticky agent: a new interaction of a customer (same author to the same brand account) whose previous interaction
   * was completed within this window (ms) is reserved for the agent who completed it (default 0: off).
   */
  stickyWindowMs?: number;
  /** How long that reservation lasts from creation (ms) before anyone eligible may take it (default 0: off). */
  stickyWaitMs?: number;
}

/** RoutingStoreOptions with the defaults filled in and checked. */
export interface RoutingPolicy {
  declineMemoryMs: number;
  agingStepMs: number;
  /** '' = no overflow. */
  overflowSkill: string;
  dedupeTtlMs: number;
  completedRetentionMs: number;
  /** 0 = no wrap-up. */
  wrapUpMs: number;
  /** 0 = no sticky agent (either one 0). */
  stickyWindowMs: number;
  stickyWaitMs: number;
}

/** The store methods that change routing state (one Lua script each in Redis): what a routing step costs. */
export const STATE_CHANGING_CALLS: ReadonlySet<keyof RoutingStore> = new Set<keyof RoutingStore>([
  'setPresence',
  'upsertInteraction',
  'dispatch',
  'accept',
  'decline',
  'transferToQueue',
  'offerTransfer',
  'offerConference',
  'leaveConference',
  'sweepExpiredOffers',
  'sweepRequirements',
  'complete',
  'endWrapUps',
]);

