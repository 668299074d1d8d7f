import { type AgentState, type ChannelCounts } from '../routing.types';

/** An offer the router has made to the agent and not yet seen answered. */
export interface PendingOffer {
  interactionId: string;
  offerId: string;
  /** The offer's deadline (ms). */
  expiresAt: number;
  correlationId: string;
}

/** An agent's state as the router's store says at the moment of the read: what the desktop shows. */
export interface AgentStateView {
  agentId: string;
  state: AgentState;
  /** While not-ready: the reason code, when one was given (missed-offer when the router set it). */
  reason?: string;
  /** When the state (or the not-ready reason) last changed (ms). */
  since: number;
  /** In wrap-up: when the router returns the agent to ready (ms). */
  wrapUpUntil?: number;
  capacity: number;
  capacityByChannel?: ChannelCounts;
  load: number;
  loadByChannel: ChannelCounts;
  /** Offers waiting for the agent's answer, by interaction id. */
  offers: PendingOffer[];
  /** Interactions assigned to the agent (accepted, not completed), by id. */
  assigned: { interactionId: string; correlationId: string }[];
}

/**
 * Read-only port onto the router's record of an agent (Redis in distributed mode, the router's MemoryRoutingStore
 * embedded), beside AssignmentReader and under the same rules (docs/adr/0013, docs/adr/0016): the gateway answers
 * "what is my state, what is offered to me" from it, never from its own guess.
 */
export interface AgentStateReader {
  /** Undefined when the router has never heard of the agent (no presence yet): it is offline to the router. */
  stateOf(agentId: string): Promise<AgentStateView | undefined>;
}
