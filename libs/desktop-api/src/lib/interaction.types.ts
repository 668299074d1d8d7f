import type {
  Classification,
  DeclaredActionability,
  DeclaredSentiment,
  InboundMessage,
  OutboundFailure,
  OutboundKind,
} from '@perch/contracts';

// The interaction as the desktop receives it (GET /api/interactions, `interaction-accepted`). The gateway hands its
// @perch/interactions InteractionView to these types, so the compiler checks the server's view still fits them.

export type InteractionViewState = 'created' | 'queued' | 'offered' | 'active' | 'completed';

/** A customer's tweet or DM, as it appears in the transcript. */
export interface CustomerMessageEntry {
  kind: 'customer-message';
  /** `msg:<messageId>`. */
  entryId: string;
  /** Ordering key, ms since epoch (X's createdAt). */
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
  /** Usernames the message mentions (reply-all mentions them too). */
  mentions: string[];
  classification?: Classification;
}

/** pending: asked, X has not answered; waiting: X cannot take it yet (see retryAt); sent and failed are final. */
export type ActionStatus = 'pending' | 'waiting' | 'sent' | 'failed';

/** Something an agent did on X from this interaction (public reply, DM, follow, unfollow, new post). */
export interface AgentActionEntry {
  kind: 'agent-action';
  /** `cmd:<commandId>`: the pending entry and X's answer land on the same entry. */
  entryId: string;
  at: number;
  commandId: string;
  action: OutboundKind;
  agentId: string;
  text?: string;
  status: ActionStatus;
  retryAt?: number;
  tweetId?: string;
  inReplyToTweetId?: string;
  dmEventId?: string;
  participantId?: string;
  following?: boolean;
  pendingFollow?: boolean;
  failure?: Pick<OutboundFailure, 'code' | 'detail' | 'httpStatus'>;
  completedAt?: number;
}

/** An internal consultation between two agents: agents only, never sent to X. */
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

/** An email an agent sent the customer's contact from the interaction: another channel, never sent to X. */
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
  messageId?: string;
  failure?: { code: string; detail: string };
}

/** A call to the contact's phone the agent asked a telephony system for; never sent to X. */
export interface CallRequestEntry {
  kind: 'call-request';
  /** `call:<callRequestId>`. */
  entryId: string;
  at: number;
  callRequestId: string;
  agentId: string;
  contactId: string;
  phone: string;
  reason?: string;
}

export type TranscriptEntry = CustomerMessageEntry | AgentActionEntry | ConsultationEntry | EmailEntry | CallRequestEntry;

/** An agent's correction of the first message's labels; the latest label of each kind wins. */
export interface ClassificationCorrection {
  sentiment?: DeclaredSentiment;
  actionability?: DeclaredActionability;
  agentId: string;
  at: number;
  correctionId: string;
}

/** How the agent closed it: disposition code and note from done. */
export interface InteractionCompletion {
  agentId: string | null;
  at: number;
  disposition?: string;
  note?: string;
}

/** Everything the desktop shows about one interaction. */
export interface InteractionView {
  id: string;
  conversationKey: string;
  brandAccountId: string;
  correlationId: string;
  priority: number;
  state: InteractionViewState;
  /** The holder (or the agent being offered it), or null while queued. */
  agentId: string | null;
  offerId: string | null;
  offerExpiresAt: string | null;
  /** The message that opened the interaction, with its author's profile as X described it. */
  firstMessage: InboundMessage | null;
  classification: Classification | null;
  classificationCorrection: ClassificationCorrection | null;
  completion: InteractionCompletion | null;
  /** In order of `at`, then entry id. */
  transcript: TranscriptEntry[];
  createdAt: number;
  updatedAt: number;
  /** GET /api/interactions and /:id: while guests are in its conference, who (the router's record at the read). */
  conference?: InteractionConference;
}

/** An interaction's conference: its holder and guests (in the order they joined), ids and display names. */
export interface InteractionConference {
  holder: { id: string; name: string };
  guests: { id: string; name: string }[];
}

/** GET /api/agents/me/consultations: an open interaction someone consulted you about. */
export interface ConsultationThread {
  /** The interaction's header (no transcript); `agentId` is its holder. */
  interaction: Omit<InteractionView, 'transcript' | 'conference'>;
  /** The consultations by you or to you, newest first. */
  consultations: ConsultationEntry[];
  /** When the newest of them was written (ms since epoch). */
  latestAt: number;
}

/** GET /api/agents/me/consultations?limit&cursor: newest consultation first; `nextCursor` when there is more. */
export interface ConsultationsPage {
  items: ConsultationThread[];
  nextCursor?: string;
}
