import { type AgentStateName, type Classification, type InboundMessage } from '@perch/contracts';

import { type CHANNELS, type INTERACTION_STATES } from './routing.constants';

/**
 * Same words as the agent.command presence (ready, not-ready, offline), so commands map onto the store one to one,
 * plus `wrap-up` (after-interaction work), which only a completion starts (routing.agent.v1's states).
 */
export type AgentState = AgentStateName;

export type Channel = (typeof CHANNELS)[number];
/** One number per channel: public conversations (mentions, replies, quotes) and DMs. */
export type ChannelCounts = Record<Channel, number>;

export interface AgentRecord {
  agentId: string;
  state: AgentState;
  /**
   * Interactions the agent may hold at once (offered + assigned), all channels together. With
   * `capacityByChannel` it is min(the capacity given, public + dm).
   */
  capacity: number;
  /** Interactions the agent holds now (offered + assigned). */
  load: number;
  /** Separate limits per channel, when presence set them; without them `capacity` is each channel's limit too. */
  capacityByChannel?: ChannelCounts;
  /** What the agent holds per channel (always tracked, whether or not there are per-channel limits). */
  loadByChannel: ChannelCounts;
  skills: string[];
  /** When `state` (or, while not-ready, its reason) last changed (ms). */
  stateSince: number;
  /** While not-ready: the reason code (e.g. break, missed-offer), when one was given. */
  reason?: string;
  /** While in wrap-up with a timeout: when the router returns the agent to ready (ms). */
  wrapUpUntil?: number;
  /**
   * The agent's position in the available set (ms): when it last became available or was last given
   * work. Undefined when the agent is not available (not ready, or full).
   */
  idleSince?: number;
}

export type InteractionState = (typeof INTERACTION_STATES)[number];

export interface InteractionRecord {
  interactionId: string;
  conversationKey: string;
  brandAccountId: string;
  /** Born with the first tweet; every lifecycle event of the interaction carries it. */
  correlationId: string;
  state: InteractionState;
  priority: number;
  /** When the interaction was created (ms); its age in the queue, kept across requeues. */
  createdAt: number;
  /** Only agents having this skill are offered the interaction. */
  requiredSkill?: string;
  /**
   * Set when every signed-in agent eligible for the interaction declined it and an overflow skill is
   * configured: agents with this skill may take it too (the original ones again once their decline is forgotten).
   */
  overflowSkill?: string;
  /** When the interaction overflowed (ms). */
  overflowedAt?: number;
  /** The agent holding it (offered or assigned). */
  agentId?: string;
  /** The current offer while offered; the accepted offer once assigned. */
  offerId?: string;
  /** Deadline of the current offer (ms), while offered. */
  offerExpiresAt?: number;
  /**
   * Agents who declined or let an offer time out, oldest first, while remembered: not offered this
   * interaction again before `declinedUntil[agentId]` (the store's decline memory), then offered it again.
   */
  declinedBy: string[];
  /** Per decliner, until when (ms) the decline is remembered; present when `declinedBy` is not empty. */
  declinedUntil?: Record<string, number>;
  /**
   * While assigned: a transfer offered to another agent, not yet answered. The interaction stays with its holder until
   * that agent accepts (it then becomes theirs); a decline or the deadline leaves it with the holder.
   */
  transferOffer?: TransferOffer;
  messageCount: number;
  firstMessage: InboundMessage;
  classification: Classification;
  updatedAt: number;
  completedAt?: number;
}

export interface UpsertInteractionInput {
  message: InboundMessage;
  classification: Classification;
  /** Integer 0..MAX_PRIORITY, higher first. */
  priority: number;
  correlationId: string;
  /** Used only when no interaction is open for the conversation (callers pass a fresh UUID). */
  interactionIdIfNew: string;
  requiredSkill?: string;
  now: number;
}

export type UpsertInteractionResult =
  | { kind: 'created'; interaction: InteractionRecord }
  /** Joined the conversation's open interaction; `interaction.agentId` says whom to notify. */
  | { kind: 'appended'; interaction: InteractionRecord }
  /** This messageId was already stored: a redelivery. Nothing changed. */
  | { kind: 'duplicate'; interactionId: string };

export interface SetPresenceInput {
  agentId: string;
  /** ready, not-ready or offline: wrap-up only follows a completion, never a presence. */
  state: AgentState;
  /** With not-ready only: the reason code (the caller checks it against the configured list). */
  reason?: string;
  /**
   * All channels together. Given alone: the limit of each channel too (per-channel limits are cleared).
   * Omitted with capacityByChannel: public + dm. Both omitted: keep the current limits (1 for a new agent).
   */
  capacity?: number;
  /** Separate limits for public conversations and DMs (each 0..50, together at least 1). */
  capacityByChannel?: ChannelCounts;
  /** Omitted: keep the current skills (none for a new agent). */
  skills?: string[];
  now: number;
}

export interface Offer {
  offerId: string;
  interactionId: string;
  agentId: string;
  offeredAt: number;
  expiresAt: number;
  /** The interaction after the offer (state 'offered'), with its first message and classification. */
  interaction: InteractionRecord;
}

/** A transfer to a named agent, pending on an assigned interaction (the offers set holds its deadline). */
export interface TransferOffer {
  toAgentId: string;
  offerId: string;
  expiresAt: number;
}

export const STALE_REASONS = [
  'unknown-interaction',
  'not-offered',
  'offer-mismatch',
  'offer-expired',
  'not-assigned',
  'not-your-interaction',
  'already-completed',
  // A transfer is pending: the holder may not transfer again until it is answered; its target has no room to accept.
  'transfer-pending',
  'target-full',
] as const;
export type StaleReason = (typeof STALE_REASONS)[number];

/** A command that no longer matches the store's state: refused, never thrown. */
export interface StaleResult {
  kind: 'stale';
  reason: StaleReason;
}

export type AcceptResult =
  /** `transferredFrom`: the accept took a transfer offer; that agent held it until now. */
  | { kind: 'accepted'; interaction: InteractionRecord; transferredFrom?: string }
  /** The same agent accepting the same offer again (a redelivered command): nothing changed. */
  | { kind: 'already-accepted'; interaction: InteractionRecord }
  | StaleResult;

/** `transferDeclined`: a transfer offer was declined; the interaction stays assigned to its holder. */
export type DeclineResult = { kind: 'declined'; offerId: string; interaction: InteractionRecord; transferDeclined?: true } | StaleResult;

/** Why a transfer to a named agent is refused (409 with this reason); nothing changed. */
export const TRANSFER_REFUSALS = ['transfer-to-self', 'unknown-agent', 'agent-offline', 'agent-at-capacity'] as const;
export type TransferRefusal = (typeof TRANSFER_REFUSALS)[number];

export interface OfferTransferInput {
  interactionId: string;
  fromAgentId: string;
  toAgentId: string;
  offerId: string;
  now: number;
  offerTimeoutMs: number;
}

/** `offered`: the interaction, still assigned to its holder, with its `transferOffer`. */
export type OfferTransferResult =
  | { kind: 'transfer-offered'; interaction: InteractionRecord; transferOffer: TransferOffer }
  | { kind: 'refused'; reason: TransferRefusal }
  | StaleResult;

/** The holder handed the interaction back to the queue (at its original age); `interaction` is queued. */
export type TransferResult = { kind: 'transferred'; fromAgentId: string; interaction: InteractionRecord } | StaleResult;

/** An offer taken back from an agent who went offline: the interaction is queued again, with no decline remembered. */
export interface WithdrawnOffer {
  offerId: string;
  agentId: string;
  /** Back in the queue at its original age. */
  interaction: InteractionRecord;
}

/** setPresence's answer: the agent after the change and, when it went offline, what became of its work. */
export interface PresenceResult extends AgentRecord {
  /** Going offline: the agent's offers, withdrawn and queued again for others in the same step. Absent when none. */
  withdrawnOffers?: WithdrawnOffer[];
  /** Offline while holding assigned work: those interactions (kept with the agent, for supervisors to see). Absent when none. */
  heldByOfflineAgent?: string[];
}

/** An agent and the interactions it holds (offered and assigned), read in one consistent step. */
export interface AgentWork {
  agent: AgentRecord;
  /** Offered or assigned to the agent, by interaction id. */
  interactions: InteractionRecord[];
}

export type CompleteResult =
  /** `presenceChange`: the agent after the completion when it moved it into wrap-up. */
  | { kind: 'completed'; interaction: InteractionRecord; presenceChange?: AgentRecord }
  /** The same agent completing it again (a redelivered command): nothing changed. */
  | { kind: 'already-completed'; interaction: InteractionRecord }
  | StaleResult;

export interface ExpiredOffer {
  offerId: string;
  agentId: string;
  expiredAt: number;
  /** The interaction, back in the queue at its original age. */
  interaction: InteractionRecord;
  /** Whether this timeout moved the agent from ready (or wrap-up) to not-ready (reason missed-offer). */
  agentSetNotReady: boolean;
  /** The agent after the timeout, when it changed its state (agentSetNotReady). */
  presenceChange?: AgentRecord;
  /** A transfer offer timed out: the interaction stays assigned to its holder (`interaction.agentId`); no state change. */
  transfer?: true;
}
