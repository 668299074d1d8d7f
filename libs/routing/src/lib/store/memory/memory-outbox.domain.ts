import { type ChangeClaim, type ChangeTrace, type RecordedChange, type RoutingChange } from '../../outbox/routing-change.types';
import { type RoutingStore } from '../routing-store.port';

interface Slot {
  id: string;
  trace: ChangeTrace;
  /** Undefined until the method that reserved the slot has returned. */
  change: RoutingChange | undefined;
  filled: boolean;
  takenBy?: string;
  takenAt?: number;
}

/**
 * The memory store's outbox, with the Redis stream's semantics: changes in the order they were made, each taken by
 * one relay until acknowledged, taken back from a relay that kept it `reclaimIdleMs` without acknowledging.
 */
export class MemoryOutbox {
  private readonly slots: Slot[] = [];
  private sequence = 0;

  constructor(private readonly wallClock: () => number = Date.now) {}

  /**
   * Records each change a store method makes: a slot is reserved before the method runs (the memory store's methods
   * run synchronously to completion, so slots are in the order of the changes) and filled when it returns.
   */
  async record<R>(trace: ChangeTrace | undefined, run: () => Promise<R>, changeOf: (result: R) => RoutingChange | undefined): Promise<R> {
    const slot: Slot = { id: String(++this.sequence), trace: { ...(trace ?? {}) }, change: undefined, filled: false };
    this.slots.push(slot);
    try {
      const result = await run();
      const change = changeOf(result);
      // A copy: the store keeps mutating its records, the outbox keeps what the change was.
      if (change) slot.change = structuredClone(change);
      return result;
    } finally {
      slot.filled = true;
      if (!slot.change) this.remove([slot.id]);
    }
  }

  claim(claim: ChangeClaim): RecordedChange[] {
    const now = this.wallClock();
    const out: RecordedChange[] = [];
    for (const slot of this.slots) {
      if (out.length >= claim.limit) break;
      // Order holds: nothing after a change still being made is handed out.
      if (!slot.filled) break;
      const change = slot.change;
      if (!change) continue;
      const free = slot.takenBy === undefined;
      const lapsed = claim.reclaimIdleMs !== undefined && slot.takenAt !== undefined && now - slot.takenAt >= claim.reclaimIdleMs;
      if (!free && !lapsed) continue;
      slot.takenBy = claim.relayId;
      slot.takenAt = now;
      out.push({ id: slot.id, trace: slot.trace, change: structuredClone(change) });
    }
    return out;
  }

  remove(ids: readonly string[]): void {
    const gone = new Set(ids);
    for (let i = this.slots.length - 1; i >= 0; i -= 1) {
      const slot = this.slots[i];
      if (slot && gone.has(slot.id)) this.slots.splice(i, 1);
    }
  }

  get size(): number {
    return this.slots.filter((slot) => slot.change !== undefined).length;
  }
}

type Mutating = Pick<
  RoutingStore,
  | 'setPresence'
  | 'upsertInteraction'
  | 'dispatch'
  | 'accept'
  | 'decline'
  | 'transferToQueue'
  | 'offerTransfer'
  | 'offerConference'
  | 'leaveConference'
  | 'sweepExpiredOffers'
  | 'sweepRequirements'
  | 'complete'
  | 'endWrapUps'
>;

/**
 * Puts every state-changing method of `store` through `outbox.record`, with the same notion of a change as the Redis
 * scripts' outbox (withOutbox): a stale, refused, duplicate or repeated outcome records nothing.
 */
export function recordChangesOf(store: Mutating, outbox: MemoryOutbox): void {
  const m = {
    setPresence: store.setPresence.bind(store),
    upsertInteraction: store.upsertInteraction.bind(store),
    dispatch: store.dispatch.bind(store),
    accept: store.accept.bind(store),
    decline: store.decline.bind(store),
    transferToQueue: store.transferToQueue.bind(store),
    offerTransfer: store.offerTransfer.bind(store),
    offerConference: store.offerConference.bind(store),
    leaveConference: store.leaveConference.bind(store),
    sweepExpiredOffers: store.sweepExpiredOffers.bind(store),
    sweepRequirements: store.sweepRequirements.bind(store),
    complete: store.complete.bind(store),
    endWrapUps: store.endWrapUps.bind(store),
  };
  store.setPresence = (input, trace) => outbox.record(trace, () => m.setPresence(input), (result) => ({ op: 'presence', input, result }));
  store.upsertInteraction = (input, trace) =>
    outbox.record(trace, () => m.upsertInteraction(input), (result) => (result.kind === 'duplicate' ? undefined : { op: 'upsert', input, result }));
  store.dispatch = (now, offerTimeoutMs, newOfferId, trace) =>
    outbox.record(
      trace,
      () => m.dispatch(now, offerTimeoutMs, newOfferId),
      (result) => (result === undefined ? undefined : { op: 'dispatch', input: { now, offerTimeoutMs, newOfferId }, result }),
    );
  store.accept = (interactionId, offerId, agentId, now, trace) =>
    outbox.record(
      trace,
      () => m.accept(interactionId, offerId, agentId, now),
      (result) => (result.kind === 'accepted' ? { op: 'accept', input: { interactionId, offerId, agentId, now }, result } : undefined),
    );
  store.decline = (interactionId, offerId, agentId, now, trace) =>
    outbox.record(
      trace,
      () => m.decline(interactionId, offerId, agentId, now),
      (result) => (result.kind === 'declined' ? { op: 'decline', input: { interactionId, offerId, agentId, now }, result } : undefined),
    );
  store.transferToQueue = (interactionId, agentId, now, trace) =>
    outbox.record(
      trace,
      () => m.transferToQueue(interactionId, agentId, now),
      (result) => (result.kind === 'transferred' ? { op: 'transfer-to-queue', input: { interactionId, agentId, now }, result } : undefined),
    );
  store.offerTransfer = (input, trace) =>
    outbox.record(
      trace,
      () => m.offerTransfer(input),
      (result) => (result.kind === 'transfer-offered' ? { op: 'offer-transfer', input, result } : undefined),
    );
  store.offerConference = (input, trace) =>
    outbox.record(
      trace,
      () => m.offerConference(input),
      (result) => (result.kind === 'conference-offered' ? { op: 'offer-conference', input, result } : undefined),
    );
  store.leaveConference = (input, trace) =>
    outbox.record(trace, () => m.leaveConference(input), (result) => (result.kind === 'stale' ? undefined : { op: 'leave-conference', input, result }));
  store.sweepExpiredOffers = (now, limit, trace) =>
    outbox.record(
      trace,
      () => m.sweepExpiredOffers(now, limit),
      (result) => (result.length === 0 ? undefined : { op: 'sweep-offers', input: { now, limit }, result }),
    );
  store.sweepRequirements = (now, limit, trace) =>
    outbox.record(
      trace,
      () => m.sweepRequirements(now, limit),
      (result) => (result.length === 0 ? undefined : { op: 'sweep-requirements', input: { now, limit }, result }),
    );
  store.complete = (interactionId, agentId, now, trace) =>
    outbox.record(
      trace,
      () => m.complete(interactionId, agentId, now),
      (result) => (result.kind === 'completed' ? { op: 'complete', input: { interactionId, agentId, now }, result } : undefined),
    );
  store.endWrapUps = (now, limit, trace) =>
    outbox.record(trace, () => m.endWrapUps(now, limit), (result) => (result.length === 0 ? undefined : { op: 'end-wrap-ups', input: { now, limit }, result }));
}
