/** What a revocation check needs to know about a token. */
export interface TokenRef {
  /** The token's `jti` claim. */
  tokenId: string;
  agentId: string;
  /** The token's `iat` claim, ms since epoch. */
  issuedAt: number;
}

/**
 * Revoked bearer tokens, shared by every gateway replica (Redis). Tokens stay stateless HMACs; this only
 * remembers the exceptions, each for as long as the token it revokes could still be used.
 */
export interface TokenRevocationStore {
  /** Revokes one token until it expires anyway (`expiresAt`, ms since epoch). */
  revoke(tokenId: string, expiresAt: number): Promise<void>;
  /**
   * Revokes every token of the agent issued at or before `issuedUpTo` (e.g. disabled, or a new password),
   * remembered for `rememberForMs` (the longest a token lives). A later call with an earlier time changes nothing.
   */
  revokeAllFor(agentId: string, issuedUpTo: number, rememberForMs: number): Promise<void>;
  /** The tokenIds among these that are revoked; one round trip however many are asked. */
  revokedAmong(tokens: readonly TokenRef[]): Promise<Set<string>>;
}
