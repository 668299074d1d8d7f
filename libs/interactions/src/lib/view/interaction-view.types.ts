import {
  type Classification,
  type DeclaredActionability,
  type DeclaredSentiment,
  type InboundMessage,
  type OutboundFailure,
  type OutboundKind,
} from '@perch/contracts';

/**
 * Where an interaction stands from the agent desktop's point of view. 'queued' also covers an offer
 * that was declined or timed out: the interaction is back with the router and belongs to nobody.
 */
export const INTERACTION_VIEW_STATES = ['created', 'queued', 'offered', 'active', 'completed'] as const;
export type InteractionViewState = (typeof INTERACTION_VIEW_STATES)[number];

/** A customer's tweet or DM, as it appears in the transcript. */
export interface CustomerMessageEntry {
  kind: 'customer-message';
  /** `msg:<messageId>`: a redelivered message lands on the same entry. */
  entryId: string;
  /** Ordering key, ms since epoch (X's createdAt for customer messages). */
  at: number;
  messageId: string;
  messageKind: InboundMessage['kind'];
  text: string;
  authorId: string;
  authorUsername: string;
  authorName: string;
  createdAt: string;
  receivedAt: number;
  inReplyToTweetId?: string;
  mentions: string[];
  /** What the classifier said about this message, when the routing event carried it. */
  classification?: Classification;
}

/** pending: asked, X has not answered; waiting: X cannot take it yet (see retryAt); sent and failed are final. */
export const ACTION_STATUSES = ['pending', 'waiting', 'sent', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * Something an agent did on X from this interaction (public reply, DM, follow, unfollow, new post):
 * pending until X answers, then sent (with what X created) or failed (with X's reason).
 */
export interface AgentActionEntry {
  kind: 'agent-action';
  /** `cmd:<commandId>`: the pending entry and X's answer land on the same entry. */
  entryId: string;
  at: number;
  commandId: string;
  action: OutboundKind;
  agentId: string;
  /** The words sent (replies, posts, DMs). */
  text?: string;
  status: ActionStatus;
  /** While waiting: when the worker tries again (ms since epoch). */
  retryAt?: number;
  tweetId?: string;
  inReplyToTweetId?: string;
  dmEventId?: string;
  /** The customer a DM, follow or unfollow was aimed at. */
  participantId?: string;
  /** After a follow or unfollow. */
  following?: boolean;
  pendingFollow?: boolean;
  failure?: Pick<OutboundFailure, 'code' | 'detail' | 'httpStatus'>;
  completedAt?: number;
}

/**
 * An internal consultation between two agents about the interaction: visible to agents only, never sent to X. A voice
 * consultation (`voice`) was asked of a voice system (agent.voice-consultation.v1); `text` is its topic.
 */
export interface ConsultationEntry {
  kind: 'consultation';
  /** `con:<consultationId>`. */
  entryId: string;
  at: number;
  consultationId: string;
  fromAgentId: string;
  withAgentId: string;
  text: string;
  voice?: boolean;
}

/**
 * An email an agent sent the customer's contact from the interaction (@perch/contacts' mail transport): another channel,
 * never sent to X. `failed` keeps what the mail server said; nothing was delivered then.
 */
export interface EmailEntry {
  kind: 'email';
  /** `mail:<requestId>`. */
  entryId: string;
  at: number;
  requestId: string;
  agentId: string;
  contactId: string;
  to: string;
  subject: string;
  text: string;
  status: 'sent' | 'failed';
  /** The mail's Message-ID once sent. */
  messageId?: string;
  failure?: { code: string; detail: string };
}

/** A call to the contact's phone the agent asked a telephony system for (telephony.call-request.v1); never sent to X. */
export interface CallRequestEntry {
  kind: 'call-request';
  /** `call:<callRequestId>`. */
  entryId: string;
  at: number;
  callRequestId: string;
  agentId: string;
  contactId: string;
  phone: string;
  /** Why the agent calls (the request's reason), when given. */
  text?: string;
}

export type TranscriptEntry = CustomerMessageEntry | AgentActionEntry | ConsultationEntry | EmailEntry | CallRequestEntry;

/** Everything the desktop shows about one interaction. */
export interface InteractionView {
  id: string;
  conversationKey: string;
  brandAccountId: string;
  /** Born with the customer's tweet; carried on every command about this interaction. */
  correlationId: string;
  priority: number;
  state: InteractionViewState;
  /** The agent holding (or being offered) the interaction, or null while it is queued. */
  agentId: string | null;
  offerId: string | null;
  offerExpiresAt: string | null;
  /** The message that opened the interaction, with its author's profile as X described it. */
  firstMessage: InboundMessage | null;
  classification: Classification | null;
  /** An agent's correction of `classification` (the first message's labels), or null. */
  classificationCorrection: ClassificationCorrection | null;
  /** How the agent closed it (disposition code and note from done), once the router completed it; else null. */
  completion: InteractionCompletion | null;
  /** In order of `at`, then entry id. */
  transcript: TranscriptEntry[];
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
}

/**
 * The labels agents gave the interaction's first message. Several corrections merge: for each label the
 * latest correction that names it wins; agentId, at and correctionId are the latest correction's.
 */
export interface ClassificationCorrection {
  sentiment?: DeclaredSentiment;
  actionability?: DeclaredActionability;
  agentId: string;
  /** ms since epoch: when the agent corrected it. */
  at: number;
  correctionId: string;
}

/** The router's 'completed' event as the view keeps it: who closed the interaction, how, and their note. */
export interface InteractionCompletion {
  agentId: string | null;
  /** ms since epoch of the completed event. */
  at: number;
  disposition?: string;
  note?: string;
}

/**
 * How a process that lost its routing and outbound state (the embedded mode after a restart) closes the work it can no
 * longer carry on: every open interaction completes with `note`, every action X never answered fails with `failure`.
 */
export interface AbandonedWork {
  /** ms since epoch: the completion's time. */
  at: number;
  /** Why, kept as the completion's note (no agent closed it: its agentId is null). */
  note: string;
  /** Given to every action still pending or waiting; X may or may not have it, and `detail` should say so. */
  failure: { code: string; detail: string };
}

/** What abandonUnfinished closed. */
export interface AbandonedWorkClosed {
  /** The interactions it completed. */
  interactionIds: string[];
  /** How many pending or waiting actions it marked failed. */
  actions: number;
}

/** One classification.corrected.v1 event's effect on a view: applied only if it names the first message. */
export interface ClassificationCorrectionUpdate {
  interactionId: string;
  messageId: string;
  correction: ClassificationCorrection;
}

/**
 * One routing event's effect on an interaction's header, as data: the same update is applied by
 * every store adapter (in TypeScript or SQL) and by the gateway when it overlays an event on a view.
 */
export interface InteractionHeaderUpdate {
  interactionId: string;
  conversationKey: string;
  brandAccountId: string;
  correlationId: string;
  priority: number;
  /** Undefined keeps the current state (e.g. a new message in an open conversation). */
  state?: InteractionViewState;
  /** Present when the event says who holds the interaction now (null agentId: nobody). */
  assignment?: { agentId: string | null; offerId: string | null; offerExpiresAt: string | null };
  /** Kept only when the interaction has none yet: the first message stays the first. */
  firstMessage?: InboundMessage;
  classification?: Classification;
  /** On the completed event; like the first message, the first one kept stays. */
  completion?: InteractionCompletion;
  /** ms since epoch of the event. */
  at: number;
}
