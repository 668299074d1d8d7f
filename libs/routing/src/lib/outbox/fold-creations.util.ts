import { ContractViolationError, foldCreationIntoOffer, type InteractionLifecyclePayload, Topics, validatePayload } from '@perch/contracts';

import { type PlannedEvent } from './routing-events.util';

/** An event to send and the changes it announces: one, or two for an offer that carries its interaction's creation. */
export interface OutgoingEvent<C> {
  event: PlannedEvent;
  changes: readonly C[];
}

/**
 * One message instead of two for an interaction created and offered in one relay batch (ADR 0035): the 'created' is
 * folded into its 'offered', which goes where the offer went. Only when nothing else about the interaction was
 * announced between them (per-key order stays as planned), both name the same correlation, the offer rebuilds the
 * 'created' exactly and its contract accepts it (a refused offer is dead-lettered alone, its 'created' still goes);
 * everything else is sent as planned.
 */
export function foldCreations<C>(planned: readonly { event: PlannedEvent; change: C }[]): OutgoingEvent<C>[] {
  const out: (OutgoingEvent<C> | undefined)[] = [];
  // Per interaction: where its last 'created' sits in `out`, while it is the interaction's last event.
  const pendingCreated = new Map<string, number>();
  for (const { event, change } of planned) {
    if (event.topic !== Topics.InteractionLifecycle) {
      out.push({ event, changes: [change] });
      continue;
    }
    const { interactionId } = event.payload;
    const createdAt = pendingCreated.get(interactionId);
    pendingCreated.delete(interactionId);
    const created = createdAt === undefined ? undefined : out[createdAt];
    if (created !== undefined && created.event.topic === Topics.InteractionLifecycle && event.payload.type === 'offered') {
      const folded = foldInto(created.event, event);
      if (folded !== undefined) {
        out[createdAt as number] = undefined;
        out.push({ event: folded, changes: [...created.changes, change] });
        continue;
      }
    }
    if (event.payload.type === 'created') pendingCreated.set(interactionId, out.length);
    out.push({ event, changes: [change] });
  }
  return out.filter((entry): entry is OutgoingEvent<C> => entry !== undefined);
}

type LifecycleEvent = Extract<PlannedEvent, { topic: typeof Topics.InteractionLifecycle }>;

function foldInto(created: LifecycleEvent, offered: LifecycleEvent): LifecycleEvent | undefined {
  const { eventId, occurredAt, causationId, correlationId } = created.context;
  // Relayed events always carry their stable id and time; without them the 'created' could not be rebuilt as it was.
  if (eventId === undefined || occurredAt === undefined || correlationId !== offered.context.correlationId) return undefined;
  if (!acceptable(offered.payload)) return undefined;
  const payload = foldCreationIntoOffer(
    { payload: created.payload, eventId, occurredAt, ...(causationId === undefined ? {} : { causationId }) },
    offered.payload,
  );
  return payload === undefined ? undefined : { ...offered, payload };
}

function acceptable(payload: InteractionLifecyclePayload): boolean {
  try {
    validatePayload(Topics.InteractionLifecycle, payload);
    return true;
  } catch (error) {
    if (error instanceof ContractViolationError) return false;
    throw error;
  }
}
