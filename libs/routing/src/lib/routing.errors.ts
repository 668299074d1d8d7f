/** Codes of the errors the router makes: an agent's command that no longer applies is dropped with one. */
export const RoutingErrorCode = {
  /** The offer was withdrawn, expired or given to someone else before the accept arrived. */
  StaleAccept: 'stale-accept',
  StaleDecline: 'stale-decline',
  /** The interaction is not (or no longer) assigned to the agent who completes it. */
  StaleComplete: 'stale-complete',
  /** The interaction is not (or no longer) assigned to the agent who transfers it. */
  StaleTransfer: 'stale-transfer',
  /** A transfer to a named agent the store refused (oneself, unknown, offline, at capacity): the reason is in the details. */
  TransferRefused: 'transfer-refused',
  /** A conference invitation or leave that no longer applies (not the holder, not a guest, a transfer or invitation pending…). */
  StaleConference: 'stale-conference',
  /** An invitation the store refused (oneself, unknown, offline, at capacity, a guest already, conference full). */
  ConferenceRefused: 'conference-refused',
} as const;
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];
