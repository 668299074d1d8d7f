import { ForbiddenError } from '@perch/agents';
import { InteractionErrorCode } from '@perch/interactions';
import { assertUnreachable, ConflictError } from '@perch/platform';
import { type Assignment } from '@perch/routing';

import { GatewayErrorCode } from '../gateway.errors';

// What the router's record (an Assignment, read fresh for each request) allows an agent to do. Pure: the service
// that reads the record (HolderChecks) throws what these throw, and the gateway's filter maps them by kind.

export interface HolderRuleOptions {
  /** Classification corrections: the agent who completed the interaction may still correct it. */
  completedToo?: boolean;
  /**
   * Customer-facing actions (reply, DM, follow, unfollow, corrections): a guest of the holder's conference may act too.
   * Never for complete, transfer or invite, which stay the holder's.
   */
  guestsToo?: boolean;
}

/** The agent is a guest of the interaction's conference (the router's record), while it is assigned. */
export function isGuest(holder: Assignment, agentId: string): boolean {
  return holder.state === 'assigned' && (holder.conferenceAgentIds ?? []).includes(agentId);
}

/**
 * An action on the customer (reply, DM, follow, unfollow, correction, done) is the holder's: the interaction must be
 * assigned to the caller, i.e. offered to them AND accepted. Another agent's (or nobody's) gets 403, the caller's
 * own offer 409 not-accepted, a completed one 409 interaction-completed.
 */
export function assertHolder(holder: Assignment, agentId: string, options: HolderRuleOptions = {}): void {
  const id = holder.interactionId;
  if (options.guestsToo && isGuest(holder, agentId)) return;
  if (holder.agentId !== agentId) {
    throw new ForbiddenError<InteractionErrorCode>(`Interaction ${id} is not assigned to you`, InteractionErrorCode.NotYours);
  }
  switch (holder.state) {
    case 'assigned':
      return;
    case 'offered':
      throw new ConflictError<GatewayErrorCode>(
        `Interaction ${id} is only offered to you: accept the offer before acting on it`,
        GatewayErrorCode.NotAccepted,
      );
    case 'completed':
      if (options.completedToo) return;
      throw new ConflictError<InteractionErrorCode>('This interaction is completed', InteractionErrorCode.Completed);
    case 'queued':
      // A queued interaction has no agent, so the check above already refused; kept for exhaustiveness.
      throw new ForbiddenError<InteractionErrorCode>(`Interaction ${id} is not assigned to you`, InteractionErrorCode.NotYours);
    default:
      return assertUnreachable(holder.state);
  }
}

/**
 * An accept or decline names an offer: only the agent it was made to may decide it (else 403 not-your-offer), and
 * only while it is live (else 409 offer-expired / offer-not-live, saying what became of it). Accepting an offer the
 * caller already accepted passes: a retried accept is harmless, and the router answers it idempotently.
 */
export function assertOfferLive(holder: Assignment, agentId: string, offerId: string, decision: 'accept' | 'decline', now: number): void {
  const transfer = holder.transferOffer;
  if (holder.state === 'assigned' && transfer?.offerId === offerId) {
    // A transfer offer, made to the named agent while the holder keeps the interaction.
    if (transfer.toAgentId !== agentId) {
      throw new ForbiddenError<GatewayErrorCode>(`Offer ${offerId} was made to another agent`, GatewayErrorCode.NotYourOffer);
    }
    if (transfer.expiresAt <= now) {
      throw new ConflictError<GatewayErrorCode>(`Offer ${offerId} expired at ${new Date(transfer.expiresAt).toISOString()}`, GatewayErrorCode.OfferExpired);
    }
    return;
  }
  const invitation = holder.conferenceOffer;
  if (holder.state === 'assigned' && invitation?.offerId === offerId) {
    // An invitation to the conference, made to the named agent while the holder keeps the interaction.
    if (invitation.toAgentId !== agentId) {
      throw new ForbiddenError<GatewayErrorCode>(`Offer ${offerId} was made to another agent`, GatewayErrorCode.NotYourOffer);
    }
    if (invitation.expiresAt <= now) {
      throw new ConflictError<GatewayErrorCode>(`Offer ${offerId} expired at ${new Date(invitation.expiresAt).toISOString()}`, GatewayErrorCode.OfferExpired);
    }
    return;
  }
  const current = holder.offerId === offerId;
  if (current && holder.agentId !== agentId) {
    throw new ForbiddenError<GatewayErrorCode>(`Offer ${offerId} was made to another agent`, GatewayErrorCode.NotYourOffer);
  }
  if (current && holder.state === 'offered') {
    if (holder.offerExpiresAt !== undefined && holder.offerExpiresAt <= now) {
      throw new ConflictError<GatewayErrorCode>(
        `Offer ${offerId} expired at ${new Date(holder.offerExpiresAt).toISOString()}`,
        GatewayErrorCode.OfferExpired,
      );
    }
    return;
  }
  if (current && holder.state === 'assigned' && decision === 'accept') return;
  throw new ConflictError<GatewayErrorCode>(`Offer ${offerId} is no longer live: ${whatBecameOf(holder, agentId, current)}`, GatewayErrorCode.OfferNotLive);
}

function whatBecameOf(holder: Assignment, agentId: string, current: boolean): string {
  switch (holder.state) {
    case 'queued':
      return 'it was declined, timed out or withdrawn, and the interaction is back in the queue';
    case 'offered':
      return holder.agentId === agentId ? 'the interaction was offered to you again under a new offer' : 'the interaction is offered to another agent now';
    case 'assigned':
      if (current) return 'you accepted it already';
      // A guest naming its invitation again (a double click): say so rather than "another agent accepted it".
      if (isGuest(holder, agentId)) return 'you joined its conference already';
      return holder.agentId === agentId ? 'you hold the interaction under another offer' : 'another agent accepted the interaction';
    case 'completed':
      return 'the interaction is completed';
    default:
      return assertUnreachable(holder.state);
  }
}
