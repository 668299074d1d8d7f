/** A brand account Perch listens and answers for. */
export interface BrandAccount {
  id: string;
  username: string;
  /** The account's user-context token (OAuth 2.0 user context). */
  token: string;
}
