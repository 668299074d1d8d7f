import {
  type AcceptResult,
  type AgentRecord,
  type AgentWork,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type Offer,
  type PresenceResult,
  type OfferTransferInput,
  type OfferTransferResult,
  type SetPresenceInput,
  type TransferResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
} from '../routing.types';

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
  setPresence(input: SetPresenceInput): Promise<PresenceResult>;

  /**
   * Creates the conversation's interaction (queued) or appends to the open one. Idempotent per
   * messageId: a redelivered message returns `duplicate` and changes nothing.
   */
  upsertInteraction(input: UpsertInteractionInput): Promise<UpsertInteractionResult>;

  /**
   * Offers the best waiting interaction (lowest queueScore: priority, then age, with aging) that some
   * available agent may take (the required skill, room in the interaction's channel, no remembered decline
   * of it) to the longest-idle of those agents. Complete: no window hides a fitting pair, however long the
   * queue or however many heads an agent cannot take. Returns undefined when no pair fits; callers loop.
   */
  dispatch(now: number, offerTimeoutMs: number, newOfferId: string): Promise<Offer | undefined>;

  /** Only the agent's current, unexpired offer wins; anything else is `stale`. */
  accept(interactionId: string, offerId: string, agentId: string, now: number): Promise<AcceptResult>;

  /**
   * Releases the agent's slot and requeues the interaction at its original age; the agent is not offered
   * it again for the decline memory (then it may be). When every signed-in agent eligible for it declined
   * it and an overflow skill is configured, agents with that skill may take it too.
   */
  decline(interactionId: string, offerId: string, agentId: string, now: number): Promise<DeclineResult>;

  /**
   * Offers past their deadline (deadline <= now), up to `limit`: treated as a decline (remembered the same
   * bounded time), and the silent agent (ready or in wrap-up) is set not-ready with reason missed-offer so
   * offers stop going to someone who is not there.
   */
  sweepExpiredOffers(now: number, limit: number): Promise<ExpiredOffer[]>;

  /**
   * Transfer to the queue: only the agent the interaction is assigned to may. In one step its slot is released and the
   * interaction is queued again at its ORIGINAL age (no priority bump: it keeps its place ahead of younger work), with
   * the transfer remembered like a decline so it goes to someone else for the decline memory. `not-assigned` /
   * `not-your-interaction` / `unknown-interaction` otherwise, nothing changed.
   */
  transferToQueue(interactionId: string, agentId: string, now: number): Promise<TransferResult>;

  /**
   * Transfer to a named agent: an offer to `toAgentId` (deadline now + offerTimeoutMs, in the offers set) while the
   * interaction stays assigned to its holder. Refused, changing nothing: to oneself, an unknown or offline agent, or one
   * with no room in the interaction's channel. The target's slot is taken only when it accepts (accept re-checks room:
   * `target-full`); a decline or the deadline (sweepExpiredOffers, `transfer: true`) leaves it with the holder.
   */
  offerTransfer(input: OfferTransferInput): Promise<OfferTransferResult>;

  /**
   * The assigned agent ends the interaction; the conversation's next message opens a new one. With a wrap-up time
   * (`wrapUpMs`), a ready agent (or one already in wrap-up) goes into wrap-up until now + wrapUpMs: no offers meanwhile.
   */
  complete(interactionId: string, agentId: string, now: number): Promise<CompleteResult>;

  /** Wrap-ups due (until <= now), up to `limit`, earliest first: each agent back to ready. Returns those agents. */
  endWrapUps(now: number, limit: number): Promise<AgentRecord[]>;

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
}
