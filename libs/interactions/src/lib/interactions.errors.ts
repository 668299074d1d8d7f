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
  /** A disposition code the brand has already (409). */
  DispositionExists: 'disposition-exists',
  /** A disposition code the brand does not have (404). */
  UnknownDisposition: 'unknown-disposition',
  UnknownStandardResponse: 'unknown-standard-response',
  /** A brand this gateway does not serve (404). */
  UnknownBrand: 'unknown-brand',
  /** A brand the caller is not granted (403). */
  BrandNotAllowed: 'brand-not-allowed',
  /** A standard response of another brand than the interaction's (409). */
  WrongBrand: 'wrong-brand',
} as const;
export type InteractionErrorCode = (typeof InteractionErrorCode)[keyof typeof InteractionErrorCode];
