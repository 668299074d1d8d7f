import {
  type Actionability,
  type DeclaredActionability,
  type DeclaredSentiment,
  type Sentiment,
} from '@perch/contracts';

/** One agent's correction, kept as published on classification.corrected.v1: a training example on its own. */
export interface CorrectionRecord {
  correctionId: string;
  interactionId: string;
  /** The customer message whose labels were corrected. */
  messageId: string;
  brandAccountId: string;
  agentId: string;
  /** The message text as the model classified it. */
  text: string;
  original: { sentiment: Sentiment; sentimentScore: number; actionability: Actionability; actionabilityScore: number; model: string };
  /** One or both labels. */
  corrected: { sentiment?: DeclaredSentiment; actionability?: DeclaredActionability };
  note?: string;
  /** ms since epoch. */
  correctedAt: number;
}

/** A position in the list of corrections: the last record of the previous page. */
export interface CorrectionCursor {
  correctedAt: number;
  correctionId: string;
}

export interface ListCorrectionsOptions {
  /** Only the corrections after this one, in list order. */
  after?: CorrectionCursor;
  /** Default 500. */
  limit?: number;
}

/**
 * Every classification correction agents made, kept for training. Writes are idempotent on correctionId,
 * so a redelivered event is kept once. Contract: testing/correction-store.contract.ts.
 */
export interface CorrectionStore {
  /** Creates what the adapter needs (idempotent); call once before use. */
  start(): Promise<void>;
  /** Releases resources the adapter owns. */
  stop(): Promise<void>;
  /** Keeps the correction; resolves false (and changes nothing) when one with its id is already kept. */
  record(correction: CorrectionRecord): Promise<boolean>;
  get(correctionId: string): Promise<CorrectionRecord | null>;
  /** In the order the corrections were made (correctedAt, then correctionId), a page at a time. */
  list(options?: ListCorrectionsOptions): Promise<CorrectionRecord[]>;
}

/** Ordering of CorrectionStore.list: time, then id (ids compare bytewise, like COLLATE "C"). */
export function compareCorrections(a: CorrectionCursor, b: CorrectionCursor): number {
  if (a.correctedAt !== b.correctedAt) return a.correctedAt - b.correctedAt;
  return a.correctionId < b.correctionId ? -1 : a.correctionId > b.correctionId ? 1 : 0;
}
