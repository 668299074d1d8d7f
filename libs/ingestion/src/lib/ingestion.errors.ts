/** Codes of the errors the ingestor makes (X's own come from @perch/x-client's XErrorCode). */
export const IngestionErrorCode = {
  /** Another delivery holds the claim on this message and is publishing it: try again shortly. */
  DedupeInFlight: 'dedupe-in-flight',
} as const;
export type IngestionErrorCode = (typeof IngestionErrorCode)[keyof typeof IngestionErrorCode];
