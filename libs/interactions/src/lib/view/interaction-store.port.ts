import {
  type AbandonedWork,
  type AbandonedWorkClosed,
  type ClassificationCorrectionUpdate,
  type ConsultationEntry,
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

export interface ListByCustomerOptions {
  /** Only these brands' interactions (an agent's grants); undefined: every brand. */
  brandAccountIds?: readonly string[];
  /** Leaves this interaction out (the one the agent has open). */
  excludeId?: string;
  /** Keyset: only interactions created before this one (createdAt, then id), i.e. the next page. */
  before?: { createdAt: number; id: string };
  /** Most recently created first; default 20. */
  limit?: number;
}

export interface ListConsultationsOptions {
  /** Keyset: only threads whose newest consultation is older than this one (latestAt, then interaction id): the next page. */
  before?: { latestAt: number; id: string };
  /** Newest first; default 20. */
  limit?: number;
}

export interface UpsertEntriesOptions {
  /**
   * Written at once in a statement of its own instead of joining the queued projection writes: for a request that
   * waits on the write (an agent's pending reply, an entry pushed to a desktop). Entries merge by id in any order
   * (see mergeEntry), so writing one ahead of the queue cannot undo or reorder anything.
   */
  direct?: boolean;
}

/** An open interaction an agent was consulted about, with the consultations it took part in. */
export interface ConsultationThread {
  /** The interaction's header (its transcript left out: the consultations are below). */
  interaction: Omit<InteractionView, 'transcript'>;
  /** The consultations by the agent or addressed to it, newest first (at, then entry id). */
  consultations: ConsultationEntry[];
  /** When the newest of them was written (ms): the thread's place in the list. */
  latestAt: number;
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
  upsertEntries(interactionId: string, entries: readonly TranscriptEntry[], options?: UpsertEntriesOptions): Promise<void>;
  /**
   * Merges an agent's correction into the view (see mergeClassificationCorrection) when it names the
   * interaction's first message; a correction of another message changes nothing. Completed interactions
   * take corrections too. Resolves false when no header was ever written for the interaction (nothing is
   * kept then: the caller retries), true otherwise.
   */
  applyClassificationCorrection(update: ClassificationCorrectionUpdate): Promise<boolean>;
  /**
   * The view with its transcript, or null when no header was ever written for it. Sees every write this process made
   * to this interaction (it waits for those still being flushed), never waits for writes to other interactions.
   */
  get(interactionId: string): Promise<InteractionView | null>;
  /** The interactions an agent holds or is being offered. */
  listByAgent(agentId: string, options?: ListByAgentOptions): Promise<InteractionView[]>;
  /**
   * The interactions opened by this customer (the X user id of their first message's author: tweets and DMs alike),
   * most recently created first (createdAt desc, then id desc), with their transcripts.
   */
  listByCustomer(authorId: string, options?: ListByCustomerOptions): Promise<InteractionView[]>;
  /**
   * The open (not completed) interactions where someone consulted the agent (a consultation entry addressed to it),
   * each with the consultations by or to the agent (never others' between themselves), the thread with the newest of
   * them first (latestAt desc, then id desc). From the stored transcript, so a colleague who was offline finds them.
   */
  listConsultations(agentId: string, options?: ListConsultationsOptions): Promise<ConsultationThread[]>;
  /**
   * Closes the work a process that lost its routing and outbound state can no longer carry on (see abandonView and
   * abandonEntry): every interaction not completed, and every action still pending or waiting, in any interaction.
   * Waits for this process's queued writes first; calling it again closes nothing more.
   */
  abandonUnfinished(work: AbandonedWork): Promise<AbandonedWorkClosed>;
}
