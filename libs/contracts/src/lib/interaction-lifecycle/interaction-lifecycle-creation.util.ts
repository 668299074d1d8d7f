import { isDeepStrictEqual } from 'node:util';

import { type EventEnvelope } from '../envelope/event-envelope.types';
import { type InteractionLifecyclePayload, type LifecycleCreation } from './interaction-lifecycle.payload';

/**
 * The 'created' payload an 'offered' stands for: the same interaction, message and queue, without the offer. The
 * router folds a 'created' into the offer made in the same step only when this rebuilds it exactly, so a consumer
 * that expands the offer sees the very event it would have read on its own (ADR 0035).
 */
export function createdPayloadOf(offered: InteractionLifecyclePayload): InteractionLifecyclePayload {
  const { agentId: _agent, fromAgentId: _from, offerId: _offer, offerExpiresAt: _expires, sticky: _sticky, creation: _creation, ...rest } = offered;
  return { ...rest, type: 'created' };
}

/** A 'created' and an 'offered' of one interaction, as a producer holds them before sending. */
export interface LifecycleEventDraft {
  payload: InteractionLifecyclePayload;
  eventId: string;
  occurredAt: string;
  causationId?: string;
}

/**
 * The 'offered' payload that also announces `created`, or undefined when the two cannot travel as one: not a
 * 'created' and an 'offered' of the same interaction, or a 'created' the offer does not rebuild exactly (both are
 * then sent apart, as before).
 */
export function foldCreationIntoOffer(created: LifecycleEventDraft, offered: InteractionLifecyclePayload): InteractionLifecyclePayload | undefined {
  if (created.payload.type !== 'created' || offered.type !== 'offered' || offered.creation !== undefined) return undefined;
  if (created.payload.interactionId !== offered.interactionId) return undefined;
  if (!isDeepStrictEqual(createdPayloadOf(offered), created.payload)) return undefined;
  const creation: LifecycleCreation = {
    eventId: created.eventId,
    occurredAt: created.occurredAt,
    ...(created.causationId === undefined ? {} : { causationId: created.causationId }),
  };
  return { ...offered, creation };
}

/**
 * What consumers see of one routing.interaction.v1 message: the event itself, or for an offer carrying its
 * interaction's creation, the 'created' (with its own id, time and cause) and then the 'offered' without it.
 * Returns undefined for a 'creation' on anything but an 'offered', which the contract does not allow.
 */
export function expandLifecycleEvent(
  envelope: EventEnvelope<InteractionLifecyclePayload>,
): EventEnvelope<InteractionLifecyclePayload>[] | undefined {
  const { creation } = envelope.payload;
  if (creation === undefined) return [envelope];
  if (envelope.payload.type !== 'offered') return undefined;
  const { creation: _creation, ...offered } = envelope.payload;
  const { causationId: _cause, ...header } = envelope;
  const created: EventEnvelope<InteractionLifecyclePayload> = {
    ...header,
    eventId: creation.eventId,
    occurredAt: creation.occurredAt,
    ...(creation.causationId === undefined ? {} : { causationId: creation.causationId }),
    payload: createdPayloadOf(offered),
  };
  return [created, { ...envelope, payload: offered }];
}
