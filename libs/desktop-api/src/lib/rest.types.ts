import type { AgentPresence, AgentStateName, DeclaredActionability, DeclaredSentiment, OutboundKind } from '@perch/contracts';

// The gateway's REST API as the desktop calls it: request bodies (what the DTOs validate) and answers.

export type AgentRole = 'agent' | 'supervisor' | 'admin';

/** The signed-in person (GET /api/agents/me, sign-in, the socket's hello). */
export interface AgentProfile {
  id: string;
  displayName: string;
  capacity: number;
  capacityByChannel?: { public: number; dm: number };
  skills: string[];
  role: AgentRole;
  /** Brand usernames this person may post from; `*` for all. */
  brands: string[];
}

/** Every refusal (4xx, 5xx): a stable code, a message for people, the bad fields of a 400. */
export interface ErrorResponseBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  problems?: { field: string; messages: string[] }[];
  details?: Record<string, unknown>;
  errorId?: string;
}

/** POST /api/auth/sign-in. */
export interface SignInRequest {
  username: string;
  password: string;
}

export interface SignInResponse {
  /** Bearer token for REST; the socket's first message `{type:'auth', token}`. */
  token: string;
  /** ms since epoch. */
  expiresAt: number;
  agent: AgentProfile;
}

/** PUT /api/agents/me/presence (and a supervisor's PUT /api/agents/:agentId/presence). */
export interface PresenceRequest {
  state: AgentPresence;
  /** Required with not-ready: one of AgentPresenceView.reasons. */
  reason?: string;
}

/** GET /api/agents/me/presence: the router's record now. */
export interface AgentPresenceView {
  agentId: string;
  state: AgentStateName;
  reason?: string;
  /** ISO; null when the router has never heard of the agent. */
  since: string | null;
  wrapUpEndsAt?: string;
  capacity: number;
  capacityByChannel?: { public: number; dm: number };
  load: number;
  loadByChannel: { public: number; dm: number };
  /** The not-ready reasons the agent may choose. */
  reasons: string[];
  /** The gateway's clock (ISO) when it read the state. */
  at: string;
}

/** GET /api/agents/roster: a colleague to transfer to, consult or invite. */
export interface RosterEntry {
  id: string;
  name: string;
  state: AgentStateName;
}

/** The 202 of a command published to the router (presence, accept, decline, transfer, conference, done). */
export interface CommandAccepted {
  commandId: string;
}

/** The 202 of an action on X (reply, DM, follow, unfollow, post); X's answer arrives on the socket. */
export interface ActionAccepted {
  commandId: string;
  kind: OutboundKind;
  /** The text as it will be sent, mentions included. */
  text?: string;
  weightedLength?: number;
  inReplyToTweetId?: string;
  participantId?: string;
}

/** POST /api/interactions/:id/accept and /decline. */
export interface OfferDecisionRequest {
  offerId: string;
}

/** POST /api/interactions/:id/replies. */
export interface ReplyRequest {
  text: string;
  replyAll?: boolean;
}

/** POST /api/interactions/:id/dms. */
export interface DirectMessageRequest {
  text: string;
}

/** POST /api/interactions/:id/done. */
export interface DoneRequest {
  disposition?: string;
  note?: string;
}

/** POST /api/interactions/:id/transfer: to the queue or to a named agent. */
export type TransferRequest = { toQueue: true; reason: string } | { toAgentId: string; reason: string };

/** POST /api/interactions/:id/conference. */
export interface ConferenceInviteRequest {
  agentId: string;
  reason?: string;
}

/** POST /api/interactions/:id/conference/leave: a guest without handOverTo; the holder handing over with it. */
export interface ConferenceLeaveRequest {
  handOverTo?: string;
}

/** POST /api/interactions/:id/consultations (201: the ConsultationEntry). */
export interface ConsultationRequest {
  withAgentId: string;
  text: string;
  voice?: boolean;
}

/** PUT /api/interactions/:id/classification. */
export interface ClassificationCorrectionRequest {
  sentiment?: DeclaredSentiment;
  actionability?: DeclaredActionability;
  messageId?: string;
  note?: string;
}

export interface CorrectionAccepted {
  correctionId: string;
}

/** GET /api/interactions/:id/customer: the customer's X profile as the brand sees it. */
export interface CustomerProfile {
  id: string;
  username: string;
  name: string;
  description?: string;
  location?: string;
  verified?: boolean;
  protected?: boolean;
  profileUrl: string;
  followersCount?: number;
  followingCount?: number;
  tweetCount?: number;
  followsBrand: boolean;
  followedByBrand: boolean;
  canDm: boolean;
  /** ms since epoch. */
  fetchedAt: number;
}

/** GET /api/brands: the brand accounts the agent may post from. */
export interface BrandAccountView {
  id: string;
  username: string;
}

/** POST /api/posts. */
export interface NewPostRequest {
  brandAccountId: string;
  text: string;
  interactionId?: string;
}

/** The labels an agent may give (not 'undeclared', the model's abstention), and the model's labels. */
export type { Actionability, DeclaredActionability, DeclaredSentiment, Sentiment } from '@perch/contracts';
