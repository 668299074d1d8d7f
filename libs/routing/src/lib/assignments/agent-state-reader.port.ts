import { type AgentState, type ChannelCounts } from '../routing.types';

/** An offer the router has made to the agent and not yet seen answered. */
export interface PendingOffer {
  interactionId: string;
  offerId: string;
  /** The offer's deadline (ms). */
  expiresAt: number;
  correlationId: string;
  /**
   * A transfer offer or an invitation to a conference, made by the holder `fromAgentId` who keeps the interaction
   * until it is accepted; absent for an offer from the queue.
   */
  kind?: 'transfer' | 'conference';
  fromAgentId?: string;
  /** The transfer's reason or the invitation's note, as the holder gave it (absent when none). */
  reason?: string;
  /** An offer from the queue to the customer's last agent (sticky agent, ADR 0017), as the `offered` event says. */
  sticky?: true;
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
  /** Interactions assigned to the agent (accepted, not completed), by id, with their conference's guests when any. */
  assigned: { interactionId: string; correlationId: string; conferenceAgentIds?: string[] }[];
  /** Conferences the agent is a guest of (held by `holderAgentId`), by interaction id, with all their guests. */
  conferences: { interactionId: string; correlationId: string; holderAgentId: string; conferenceAgentIds?: string[] }[];
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
