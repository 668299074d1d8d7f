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
   * The lowest level of `requiredSkill` an agent needs (present only when above 1): an agent with the skill below it is
   * not offered the interaction. The overflow skill, once overflowed, is met at any level.
   */
  requiredLevel?: number;
  /**
   * A configured widening not yet applied: at `widenAt` (ms; the sweeper applies it) the requirement becomes `widenTo`
   * at level 1, or none when `widenTo` is ''.
   */
  widenAt?: number;
  widenTo?: string;
  /** When the requirement was widened (ms). */
  widenedAt?: number;
  /**
   * A returning customer: the agent who completed its previous interaction within the sticky window. Kept for the
   * record (an offer to this agent is a sticky offer), whether or not the reservation below is still on.
   */
  stickyAgentId?: string;
  /**
   * While present (queued, not yet offered): the interaction is reserved for `stickyAgentId` until this time (ms; the
   * sweeper ends it) or until that agent goes offline: nobody else is offered it meanwhile.
   */
  stickyUntil?: number;
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
  /**
   * While assigned: an invitation to join the conference, not yet answered (the offers set holds its deadline, so it
   * and a transfer offer are never both pending). The invitee takes a slot only when it accepts.
   */
  conferenceOffer?: ConferenceOffer;
  /**
   * While assigned: the guests of the conference, in the order they joined (never the holder). Each holds a slot of
   * its capacity in the interaction's channel and may act on the customer; only the holder completes or transfers.
   * Kept on the completed record: the agents the completion freed.
   */
  conferenceAgentIds?: string[];
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
  /** 1..MAX_SKILL_LEVEL (default 1); only with requiredSkill. */
  requiredLevel?: number;
  /** After this wait (ms from creation) the requirement widens to `to` at level 1 ('' = none). */
  widen?: { afterMs: number; to: string };
  now: number;
}

/** A requirement change the sweeper applied (`sweepRequirements`). */
export interface RequirementChange {
  /** `widened`: the requirement became the configured wider one; `sticky-ended`: the sticky wait is over. */
  kind: 'widened' | 'sticky-ended';
  /** The interaction after the change. */
  interaction: InteractionRecord;
  /** What it required before a widening ('' = nothing). */
  previousSkill?: string;
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
  /** The holder's reason, kept so the target's offers read after a reload show it (absent when none was given). */
  reason?: string;
}

/** A transfer offer or an invitation that a completion dropped: its target's toast must go. */
export interface DroppedOffer {
  kind: 'transfer' | 'conference';
  toAgentId: string;
  offerId: string;
}

/** An invitation to join an assigned interaction's conference (made by its holder). */
export interface ConferenceOffer {
  toAgentId: string;
  offerId: string;
  expiresAt: number;
  /** The holder's note, kept so the invitee's offers read after a reload show it (absent when none was given). */
  reason?: string;
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
  // Conference: guests are in it (no transfer meanwhile); an invitation waits for its answer; the agent is not a guest.
  'in-conference',
  'invitation-pending',
  'not-in-conference',
  // The holder leaves only by handing over to a guest.
  'holder-must-hand-over',
] as const;
export type StaleReason = (typeof STALE_REASONS)[number];

/** A command that no longer matches the store's state: refused, never thrown. */
export interface StaleResult {
  kind: 'stale';
  reason: StaleReason;
}

export type AcceptResult =
  /** `transferredFrom`: the accept took a transfer offer; that agent held it until now. */
  | { kind: 'accepted'; interaction: InteractionRecord; transferredFrom?: string; conferenceJoined?: true }
  /** The same agent accepting the same offer again (a redelivered command): nothing changed. */
  | { kind: 'already-accepted'; interaction: InteractionRecord }
  | StaleResult;

/**
 * `transferDeclined`: a transfer offer was declined; `conferenceDeclined`: an invitation to the conference was. Either
 * way the interaction stays assigned to its holder, nothing else changed.
 */
export type DeclineResult =
  | { kind: 'declined'; offerId: string; interaction: InteractionRecord; transferDeclined?: true; conferenceDeclined?: true }
  | StaleResult;

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
  /** The holder's reason (at most 500 characters), kept on the pending offer; '' or absent: none. */
  reason?: string;
}

/** `offered`: the interaction, still assigned to its holder, with its `transferOffer`. */
export type OfferTransferResult =
  | { kind: 'transfer-offered'; interaction: InteractionRecord; transferOffer: TransferOffer }
  | { kind: 'refused'; reason: TransferRefusal }
  | StaleResult;

/** Why an invitation to the conference is refused (409 with this reason); nothing changed. */
export const CONFERENCE_REFUSALS = [
  'invite-self',
  'unknown-agent',
  'agent-offline',
  'agent-at-capacity',
  'already-in-conference',
  'conference-full',
] as const;
export type ConferenceRefusal = (typeof CONFERENCE_REFUSALS)[number];

export interface OfferConferenceInput {
  interactionId: string;
  /** The holder who invites. */
  fromAgentId: string;
  toAgentId: string;
  offerId: string;
  now: number;
  offerTimeoutMs: number;
  /** The conference's agents at most, counting the holder (2..MAX_CONFERENCE_AGENTS). */
  maxAgents: number;
  /** The holder's note (at most 500 characters), kept on the pending invitation; '' or absent: none. */
  reason?: string;
}

export type OfferConferenceResult =
  | { kind: 'conference-offered'; interaction: InteractionRecord; conferenceOffer: ConferenceOffer }
  | { kind: 'refused'; reason: ConferenceRefusal }
  | StaleResult;

export interface LeaveConferenceInput {
  interactionId: string;
  agentId: string;
  /** The holder only (and then required): the guest who becomes the holder. */
  handOverTo?: string;
  now: number;
}

/**
 * `left`: a guest left (its slot freed). `handed-over`: the holder handed the interaction to a guest (`agentId` of the
 * record is now that guest; the previous holder's slot is freed and it is out of the conference).
 */
export type LeaveConferenceResult =
  | { kind: 'left'; agentId: string; interaction: InteractionRecord }
  | { kind: 'handed-over'; fromAgentId: string; toAgentId: string; interaction: InteractionRecord }
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
  /** Offline while a guest of conferences: it left them in the same step (slots freed). Absent when none. */
  leftConferences?: InteractionRecord[];
}

/** An agent and the interactions it holds (offered and assigned), read in one consistent step. */
export interface AgentWork {
  agent: AgentRecord;
  /**
   * Offered or assigned to the agent, or where it is a conference guest, or has a transfer offer or an invitation
   * waiting for its answer (those stay assigned to their holder), by interaction id.
   */
  interactions: InteractionRecord[];
}

export type CompleteResult =
  /** `presenceChange`: the agent after the completion when it moved it into wrap-up. */
  /** `droppedOffer`: a transfer offer or an invitation still pending, dropped with the interaction (its target is told). */
  | { kind: 'completed'; interaction: InteractionRecord; presenceChange?: AgentRecord; droppedOffer?: DroppedOffer }
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
  /** An invitation to the conference timed out: as a transfer's, nothing else changes. */
  conference?: true;
}
