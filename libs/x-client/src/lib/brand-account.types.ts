/**
 * A brand account Perch listens and answers for: an X account with its user-context token, which the ingestor
 * reads with and the outbound worker posts with. Defined here, beside the X client, so every side shares it.
 */
export interface BrandAccount {
  /** X's numeric user id, as a string. */
  id: string;
  username: string;
  /** The account's OAuth 2.0 user-context token. Never logged (the platform logger redacts `*.token`). */
  token: string;
}
