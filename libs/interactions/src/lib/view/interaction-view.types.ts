import { type Classification, type InboundMessage, type OutboundFailure } from '@perch/contracts';

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
}

export const REPLY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

/** An agent's public reply: pending until X answers, then sent (with its tweet id) or failed (with X's reason). */
export interface AgentReplyEntry {
  kind: 'agent-reply';
  /** `cmd:<commandId>`: the pending entry and X's answer land on the same entry. */
  entryId: string;
  at: number;
  commandId: string;
  agentId: string;
  text: string;
  status: ReplyStatus;
  tweetId?: string;
  inReplyToTweetId?: string;
  failure?: Pick<OutboundFailure, 'code' | 'detail' | 'httpStatus'>;
  completedAt?: number;
}

export type TranscriptEntry = CustomerMessageEntry | AgentReplyEntry;

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
  /** In order of `at`, then entry id. */
  transcript: TranscriptEntry[];
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
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
  /** ms since epoch of the event. */
  at: number;
}
