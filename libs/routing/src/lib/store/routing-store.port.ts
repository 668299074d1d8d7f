import {
  type AcceptResult,
  type AgentRecord,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type InteractionRecord,
  type Offer,
  type SetPresenceInput,
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

  /** Sets state and, when given, capacity and skills. Ready + free capacity → available. */
  setPresence(input: SetPresenceInput): Promise<AgentRecord>;

  /**
   * Creates the conversation's interaction (queued) or appends to the open one. Idempotent per
   * messageId: a redelivered message returns `duplicate` and changes nothing.
   */
  upsertInteraction(input: UpsertInteractionInput): Promise<UpsertInteractionResult>;

  /**
   * Offers the best waiting interaction (priority, then age) to the longest-idle available agent who
   * has the required skill and has not declined it. Returns undefined when no pair fits; callers loop.
   */
  dispatch(now: number, offerTimeoutMs: number, newOfferId: string): Promise<Offer | undefined>;

  /** Only the agent's current, unexpired offer wins; anything else is `stale`. */
  accept(interactionId: string, offerId: string, agentId: string, now: number): Promise<AcceptResult>;

  /** Releases the agent's slot and requeues the interaction at its original age; the agent is not asked again. */
  decline(interactionId: string, offerId: string, agentId: string, now: number): Promise<DeclineResult>;

  /**
   * Offers past their deadline (deadline <= now), up to `limit`: treated as a decline, and the silent agent
   * is set not-ready so offers stop going to someone who is not there.
   */
  sweepExpiredOffers(now: number, limit: number): Promise<ExpiredOffer[]>;

  /** The assigned agent ends the interaction; the conversation's next message opens a new one. */
  complete(interactionId: string, agentId: string, now: number): Promise<CompleteResult>;

  getAgent(agentId: string): Promise<AgentRecord | undefined>;
  /** Live interactions, and completed ones for a retention period. */
  getInteraction(interactionId: string): Promise<InteractionRecord | undefined>;
  queueDepth(): Promise<number>;
  /** Available agents, longest-idle first, at most `limit`. */
  listAvailable(limit: number): Promise<AgentRecord[]>;
}

export interface RoutingStoreOptions {
  /** Queue heads a dispatch considers (see DEFAULT_DISPATCH_QUEUE_SCAN). */
  dispatchQueueScan?: number;
  /** Longest-idle agents a dispatch considers per interaction (see DEFAULT_DISPATCH_AGENT_SCAN). */
  dispatchAgentScan?: number;
  /** How long a messageId is remembered for deduplication. */
  dedupeTtlMs?: number;
  /** How long a completed interaction stays readable. */
  completedRetentionMs?: number;
}
