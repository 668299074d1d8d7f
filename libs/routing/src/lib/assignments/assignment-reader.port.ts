import { type InteractionState } from '../routing.types';

/**
 * Who holds an interaction, as the router's store says at the moment of the read. The router is the only
 * writer; this is the read-only face other domains use (the gateway checks it before an agent acts).
 */
export interface Assignment {
  interactionId: string;
  state: InteractionState;
  /** The agent offered or assigned it; after completion, the agent who completed it. Absent while queued. */
  agentId?: string;
  /** The live offer while offered; the accepted offer once assigned. */
  offerId?: string;
  /** Deadline of the live offer (ms), while offered. */
  offerExpiresAt?: number;
  /** Born with the first tweet; every command about the interaction carries it. */
  correlationId: string;
  /** While assigned: a transfer offered to another agent, not yet answered (that agent may accept or decline it). */
  transferOffer?: { toAgentId: string; offerId: string; expiresAt: number; reason?: string };
  /** While assigned: an invitation to the conference, not yet answered (the invitee may accept or decline it). */
  conferenceOffer?: { toAgentId: string; offerId: string; expiresAt: number; reason?: string };
  /** While assigned: the conference's guests (never the holder); they may act on the customer, not complete or transfer. */
  conferenceAgentIds?: string[];
  /** The interaction's channel, so a transfer can be checked against the target's room in it. */
  channel?: 'public' | 'dm';
}

/** Read-only port onto the router's record of who holds what (Redis in distributed mode, memory in embedded). */
export interface AssignmentReader {
  /** Undefined when the router does not know the interaction (never routed, or completed past its retention). */
  holderOf(interactionId: string): Promise<Assignment | undefined>;
}
