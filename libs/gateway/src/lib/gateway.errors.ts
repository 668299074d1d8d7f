/**
 * Codes the agent-facing edge makes itself (the domains' own come from their libraries: AuthErrorCode,
 * InteractionErrorCode, OutboundErrorCode, XErrorCode…). Clients branch on them: keep them stable.
 */
export const GatewayErrorCode = {
  /** 403: a route that needs a role the agent does not have. */
  RoleRequired: 'role-required',
  /** 500: our bug or an unexpected failure; the body's errorId finds the log line. */
  Internal: 'internal',
  /** WebSocket error message: a frame that is not JSON. */
  BadMessage: 'bad-message',
  /** WebSocket error message: a decision that could not be sent; the agent may try again. */
  CommandFailed: 'command-failed',
  /** WebSocket close reason: no auth message in time. */
  AuthTimeout: 'auth-timeout',
  /** WebSocket close reason (1013): the token could not be checked now; reconnect. */
  TryAgain: 'try-again',
  /** WebSocket close reason: the agent signed out (AuthErrorCode's token-expired, token-revoked… are the others). */
  SignedOut: 'signed-out',
  // Only the holder acts (checked against the router's store, never a cache; docs/adr/0013):
  /** 409: the interaction is offered to the caller but not accepted yet; accept it first. */
  NotAccepted: 'not-accepted',
  /** 403: an accept or decline of an offer made to another agent. */
  NotYourOffer: 'not-your-offer',
  /** 409: an accept or decline after the offer's deadline. */
  OfferExpired: 'offer-expired',
  /** 409: the offer is no longer live: declined, timed out, withdrawn, offered again, already accepted or completed. */
  OfferNotLive: 'offer-not-live',
  /** 503: the router's store could not be read, so nobody's right to act can be checked; try again. */
  RoutingUnavailable: 'routing-unavailable',
  /** 503 with Retry-After: this replica is handling its limit of requests; nothing was done, send it again then. */
  GatewayBusy: 'gateway-busy',
  /** 404: a supervisor named an agent the directory does not know (409 when a transfer names one). */
  UnknownAgent: 'unknown-agent',
  /** 409: a supervisor's sign-out naming themselves (POST /api/auth/sign-out is theirs). */
  SignOutSelf: 'sign-out-self',
  // Transfer to a named agent (409, nothing published):
  /** The holder named themselves. */
  TransferToSelf: 'transfer-to-self',
  /** The agent named is signed out (offline to the router). */
  AgentOffline: 'agent-offline',
  /** The agent named has no room for the interaction's channel. */
  AgentAtCapacity: 'agent-at-capacity',
  /** A transfer of this interaction is already waiting for its answer. */
  TransferPending: 'transfer-pending',
  /** 409: a consultation naming the caller themselves. */
  ConsultSelf: 'consult-self',
  // Conference (409, nothing published; agent-offline, agent-at-capacity, unknown-agent and transfer-pending as above):
  /** The holder invited themselves. */
  InviteSelf: 'invite-self',
  /** The agent invited is a guest of the conference already. */
  AlreadyInConference: 'already-in-conference',
  /** Holder + guests = the configured maximum (ROUTER_CONFERENCE_MAX_AGENTS). */
  ConferenceFull: 'conference-full',
  /** An invitation to the conference is waiting for its answer (one live offer per interaction). */
  InvitationPending: 'invitation-pending',
  /** A transfer while guests are in the conference: they leave, or the holder hands over, first. */
  InConference: 'in-conference',
  /** The holder leaves only by handing over to a guest (handOverTo). */
  HolderMustHandOver: 'holder-must-hand-over',
  /** handOverTo names no guest of the conference (or there is none). */
  NotInConference: 'not-in-conference',
  /** A guest named handOverTo: only the holder hands the interaction over. */
  NotHolder: 'not-holder',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];
