import {
  type ClassificationCorrectionUpdate,
  type InteractionHeaderUpdate,
  type InteractionView,
  type TranscriptEntry,
} from './interaction-view.types';

export interface ListByAgentOptions {
  /** Completed interactions are left out unless asked for. */
  includeCompleted?: boolean;
  /** Most recently updated first; default 50. */
  limit?: number;
}

/**
 * The agent's view of interactions and their transcripts (the gateway's read model).
 * Writes are idempotent and order-tolerant, so redelivered events and two writers (the projector and a
 * gateway recording a pending reply) cannot corrupt a view. Contract: testing/interaction-store.contract.ts.
 */
export interface InteractionStore {
  /** Creates what the adapter needs (idempotent); call once before use. */
  start(): Promise<void>;
  /** Flushes pending writes and releases resources the adapter owns. */
  stop(): Promise<void>;
  /** Creates the interaction if unknown, then applies the update (see applyHeaderUpdate). */
  applyHeader(update: InteractionHeaderUpdate): Promise<void>;
  /** Inserts or merges entries by entry id (see mergeEntry); the interaction need not exist yet. */
  upsertEntries(interactionId: string, entries: readonly TranscriptEntry[]): Promise<void>;
  /**
   * Merges an agent's correction into the view (see mergeClassificationCorrection) when it names the
   * interaction's first message; a correction of another message changes nothing. Completed interactions
   * take corrections too. Resolves false when no header was ever written for the interaction (nothing is
   * kept then: the caller retries), true otherwise.
   */
  applyClassificationCorrection(update: ClassificationCorrectionUpdate): Promise<boolean>;
  /** The view with its transcript, or null when no header was ever written for it. */
  get(interactionId: string): Promise<InteractionView | null>;
  /** The interactions an agent holds or is being offered. */
  listByAgent(agentId: string, options?: ListByAgentOptions): Promise<InteractionView[]>;
}
