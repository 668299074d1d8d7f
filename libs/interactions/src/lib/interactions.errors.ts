/** Codes of the refusals and failures about an agent's view of a conversation. */
export const InteractionErrorCode = {
  /** An event about an interaction arrived before the interaction itself: retried until it is projected. */
  NotProjectedYet: 'interaction-not-projected-yet',
  NotFound: 'interaction-not-found',
  /** Another agent's interaction. */
  NotYours: 'not-your-interaction',
  Completed: 'interaction-completed',
  /** Nothing from the customer yet to answer. */
  NoCustomer: 'no-customer',
  /** A correction of a message that was never classified. */
  NotClassified: 'not-classified',
} as const;
export type InteractionErrorCode = (typeof InteractionErrorCode)[keyof typeof InteractionErrorCode];
