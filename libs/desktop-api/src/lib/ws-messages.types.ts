import type { Actionability, AgentStateCause, AgentStateName, InboundKind, Sentiment } from '@perch/contracts';

import type {
  AgentActionEntry,
  CallRequestEntry,
  ClassificationCorrection,
  ConsultationEntry,
  CustomerMessageEntry,
  EmailEntry,
  InteractionView,
} from './interaction.types';
import type { AgentProfile } from './rest.types';
import type { SupervisorSeriesView } from './supervisor-series.types';
import type { SupervisedAgentView, SupervisorQueuesView } from './supervisor.types';

// The WebSocket protocol, server to desktop (the gateway's ws-messages.types.ts re-exports it). Every message is one
// JSON object with a `type`.

export interface HelloMessage {
  type: 'hello';
  agent: AgentProfile;
  replicaId: string;
  heartbeatIntervalMs: number;
  /** When the socket's token expires (ms since epoch): the server closes the socket then (4401). */
  tokenExpiresAt: number;
}

/** A new interaction offered to the agent: everything the preview toast shows. */
export interface OfferMessage {
  type: 'offer';
  interactionId: string;
  offerId: string;
  /** A transfer from another agent (who keeps the interaction until you accept), with their reason. */
  transfer?: { fromAgentId: string; reason: string };
  /** An invitation to join the holder `fromAgentId`'s conference (they keep the interaction; you would be a guest). */
  conference?: { fromAgentId: string; reason: string };
  /** A returning customer offered to you, its last agent (sticky agent, ADR 0017); absent otherwise. */
  sticky?: true;
  /** ISO time after which the router offers it to someone else. */
  expiresAt: string;
  priority: number;
  brandAccountId: string;
  conversationKey: string;
  messageId: string;
  messageKind: InboundKind;
  author: {
    id: string;
    username: string;
    name: string;
    followersCount: number;
    followingCount: number;
    tweetCount: number;
    profileUrl: string;
  };
  snippet: string;
  text: string;
  sentiment: Sentiment;
  actionability: Actionability;
  /** When X says the customer wrote it. */
  createdAt: string;
  /** When Perch received it (ms since epoch): the start of the latency clients can measure. */
  receivedAt: number;
}

export interface OfferEndedMessage {
  type: 'offer-rescinded' | 'offer-timed-out';
  interactionId: string;
  reason: string;
}

/**
 * The holder no longer holds the interaction: transferred to the queue, or a transfer to a named agent was accepted
 * (`toAgentId`). Its desktops drop it.
 */
export interface TransferredMessage {
  type: 'transferred';
  interactionId: string;
  reason: string;
  toAgentId?: string;
}

/** An internal consultation entry about an interaction, to both agents (agents only; never sent to X). */
export interface ConsultationAddedMessage {
  type: 'consultation-added';
  interactionId: string;
  entry: ConsultationEntry;
}

/**
 * An email sent to the customer's contact, or a call asked for them, from the interaction: to its holder and conference
 * guests on the replica that served the request (others see it on their next read). Never sent to X.
 */
export interface ChannelEntryAddedMessage {
  type: 'channel-entry-added';
  interactionId: string;
  entry: EmailEntry | CallRequestEntry;
}

/** To the holder: their transfer to a named agent is waiting, was declined or timed out (they keep the interaction). */
export interface TransferUpdateMessage {
  type: 'transfer-update';
  interactionId: string;
  status: 'offered' | 'declined' | 'timed-out';
  toAgentId: string;
  reason?: string;
}

export interface InteractionAcceptedMessage {
  type: 'interaction-accepted';
  interaction: InteractionView;
  /** You joined as a guest of `holderAgentId`'s conference: you may reply, DM and follow; only the holder completes. */
  conference?: { holderAgentId: string; guests: string[] };
  /**
   * The gateway could not read the interaction's store (an outage): the view holds only what the router's event said,
   * without the customer's messages. Read it again (GET /api/interactions/:id) until the store answers.
   */
  incomplete?: true;
}

/**
 * To every participant of a conference (the holder and the guests) and to the agent it is about: an invitation made
 * (`invited`), answered (`joined`, `declined`, `timed-out`), a guest `left`, or the holder `handed-over` to the guest
 * `agentId` (the previous holder is out of the conference). `holderAgentId` and `guests` are the conference after it;
 * an agent in neither drops the interaction.
 */
export interface ConferenceUpdateMessage {
  type: 'conference-update';
  interactionId: string;
  status: 'invited' | 'joined' | 'declined' | 'timed-out' | 'left' | 'handed-over';
  /** The invitee, the guest who joined or left, or the guest who became the holder. */
  agentId: string;
  holderAgentId: string;
  guests: string[];
  reason?: string;
}

export interface MessageAddedMessage {
  type: 'message-added';
  interactionId: string;
  entry: CustomerMessageEntry;
}

/**
 * X's answer to an agent's action: a reply, DM, follow, unfollow or post (a post may have no interaction).
 * 'action-waiting' is not an answer yet: X cannot take it now; the entry says why and when it is tried again.
 */
export interface ActionOutcomeMessage {
  type: 'action-sent' | 'action-failed' | 'action-waiting';
  interactionId?: string;
  entry: AgentActionEntry;
}

/**
 * The interaction's labels as corrected by agents (the view's classificationCorrection after this
 * correction): the badges show these instead of the model's. Sent for corrections of the first message.
 */
export interface ClassificationCorrectedMessage {
  type: 'classification-corrected';
  interactionId: string;
  correction: ClassificationCorrection;
}

export interface CompletedMessage {
  type: 'completed';
  interactionId: string;
}

/** Answer to an accept/decline sent on the socket: the command is on its way to the router. */
export interface AckMessage {
  type: 'ack';
  requestId?: string;
  action: 'accept' | 'decline';
  interactionId: string;
  commandId: string;
}

export interface ErrorMessage {
  type: 'error';
  requestId?: string;
  code: string;
  message: string;
  problems?: { field: string; messages: string[] }[];
}

export interface PongMessage {
  type: 'pong';
}

/**
 * The agent's state as the router just set it (routing.agent.v1), whoever changed it: the agent (from any of its
 * desktops), an offer timeout (not-ready, reason missed-offer), the end of wrap-up, a supervisor, sign-out or a lost
 * connection. The desktop shows this, never its own guess; after a reconnect it reads GET /api/agents/me/presence.
 */
export interface PresenceMessage {
  type: 'presence';
  state: AgentStateName;
  reason?: string;
  /** ISO time the state began. */
  since: string;
  /** wrap-up: ISO time the router sets the agent ready again. */
  wrapUpEndsAt?: string;
  cause: AgentStateCause;
  /** The supervisor who made the change. */
  actorId?: string;
  /** The missed offer's interaction, or the one whose completion started wrap-up. */
  interactionId?: string;
  capacity: number;
  load: number;
  loadByChannel: { public: number; dm: number };
}

/**
 * Supervisors and admins only (agents' sockets never get it): the queues, and the agents that changed. The first one
 * after connecting (`initial`) carries no agents: page them with GET /api/supervisor/agents, then apply these (whole
 * records, replacing by agentId). Then at most one per push interval (1 s), only when something changed; between
 * two, clients keep waits and times in state running from `queues.at`.
 */
export interface SupervisorSnapshotMessage {
  type: 'supervisor-snapshot';
  initial: boolean;
  queues: SupervisorQueuesView;
  agents: SupervisedAgentView[];
  /**
   * The charts' five-minute buckets that changed since the last push (whole buckets: replace by `start`); absent when
   * none did. Clients load the window once with GET /api/supervisor/series?bucketMinutes=5, then apply these.
   */
  series?: SupervisorSeriesView;
}

export type ServerMessage =
  | HelloMessage
  | OfferMessage
  | OfferEndedMessage
  | TransferredMessage
  | TransferUpdateMessage
  | ConferenceUpdateMessage
  | ConsultationAddedMessage
  | ChannelEntryAddedMessage
  | InteractionAcceptedMessage
  | MessageAddedMessage
  | ActionOutcomeMessage
  | ClassificationCorrectedMessage
  | CompletedMessage
  | AckMessage
  | ErrorMessage
  | PongMessage
  | PresenceMessage
  | SupervisorSnapshotMessage;

/** Desktop to server: first `auth` with the sign-in token (never in the URL), then pings or offer decisions. */
export type ClientMessage =
  | { type: 'auth'; token: string }
  | { type: 'ping' }
  | { type: 'accept' | 'decline'; interactionId: string; offerId: string; requestId?: string };
