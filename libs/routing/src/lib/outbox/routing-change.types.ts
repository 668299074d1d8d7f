import {
  type AcceptResult,
  type AgentRecord,
  type CompleteResult,
  type DeclineResult,
  type ExpiredOffer,
  type LeaveConferenceInput,
  type LeaveConferenceResult,
  type Offer,
  type OfferConferenceInput,
  type OfferConferenceResult,
  type OfferTransferInput,
  type OfferTransferResult,
  type PresenceResult,
  type RequirementChange,
  type SetPresenceInput,
  type StaleResult,
  type TransferResult,
  type UpsertInteractionInput,
  type UpsertInteractionResult,
} from '../routing.types';

/**
 * What caused a change, as the router's events will tell it (causation, correlation, the command's note…). Opaque to
 * the store, which keeps it beside the change in its outbox so a relay that never saw the command can still build them.
 */
export type ChangeTrace = Readonly<Record<string, string>>;

export interface DispatchInput {
  now: number;
  offerTimeoutMs: number;
  newOfferId: string;
}

/** Accept and decline: an answer to one offer. */
export interface OfferAnswerInput {
  interactionId: string;
  offerId: string;
  agentId: string;
  now: number;
}

/** Transfer to the queue and completion: an act of the interaction's holder. */
export interface HolderActInput {
  interactionId: string;
  agentId: string;
  now: number;
}

/** The sweeps: everything due at `now`, at most `limit`. */
export interface SweepInput {
  now: number;
  limit: number;
}

/**
 * One state change of the router, with the input that made it: exactly what the events announcing it are built from.
 * Only outcomes that changed something are changes (a stale decline, a duplicate message or a repeated accept is not).
 */
export type RoutingChange =
  | { op: 'presence'; input: SetPresenceInput; result: PresenceResult }
  | { op: 'upsert'; input: UpsertInteractionInput; result: Exclude<UpsertInteractionResult, { kind: 'duplicate' }> }
  | { op: 'dispatch'; input: DispatchInput; result: Offer }
  | { op: 'accept'; input: OfferAnswerInput; result: Extract<AcceptResult, { kind: 'accepted' }> }
  | { op: 'decline'; input: OfferAnswerInput; result: Extract<DeclineResult, { kind: 'declined' }> }
  | { op: 'transfer-to-queue'; input: HolderActInput; result: Extract<TransferResult, { kind: 'transferred' }> }
  | { op: 'offer-transfer'; input: OfferTransferInput; result: Extract<OfferTransferResult, { kind: 'transfer-offered' }> }
  | { op: 'offer-conference'; input: OfferConferenceInput; result: Extract<OfferConferenceResult, { kind: 'conference-offered' }> }
  | { op: 'leave-conference'; input: LeaveConferenceInput; result: Exclude<LeaveConferenceResult, StaleResult> }
  | { op: 'sweep-offers'; input: SweepInput; result: ExpiredOffer[] }
  | { op: 'sweep-requirements'; input: SweepInput; result: RequirementChange[] }
  | { op: 'complete'; input: HolderActInput; result: Extract<CompleteResult, { kind: 'completed' }> }
  | { op: 'end-wrap-ups'; input: SweepInput; result: AgentRecord[] };

export type RoutingOp = RoutingChange['op'];

/** A change as the outbox holds it until a relay has published its events. */
export interface RecordedChange {
  /** The outbox's id: ordered as the changes were made; the events' ids derive from it, so a relay may publish twice. */
  id: string;
  trace: ChangeTrace;
  change: RoutingChange;
}

/** Reading the outbox: a relay takes changes for itself and acknowledges them once their events are published. */
export interface ChangeClaim {
  /** This relay's name (one per process): what it took and did not acknowledge is taken back after `reclaimIdleMs`. */
  relayId: string;
  limit: number;
  /**
   * Also take changes another relay took this long ago (ms) and never acknowledged (it crashed mid-publish).
   * Undefined: only changes nobody took yet.
   */
  reclaimIdleMs?: number;
}
