import { type Clock, systemClock } from '@perch/platform';

import { type TokenRef, type TokenRevocationStore } from './token-revocation-store.port';

/** TokenRevocationStore in this process: embedded mode (one replica) and tests. */
export class MemoryTokenRevocationStore implements TokenRevocationStore {
  private readonly revoked = new Map<string, number>();
  private readonly notBefore = new Map<string, { issuedUpTo: number; until: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    this.prune();
    if (expiresAt > this.clock.now()) this.revoked.set(tokenId, expiresAt);
  }

  async revokeAllFor(agentId: string, issuedUpTo: number, rememberForMs: number): Promise<void> {
    this.prune();
    const current = this.notBefore.get(agentId);
    if (current && current.issuedUpTo >= issuedUpTo) return;
    this.notBefore.set(agentId, { issuedUpTo, until: this.clock.now() + rememberForMs });
  }

  async revokedAmong(tokens: readonly TokenRef[]): Promise<Set<string>> {
    this.prune();
    const out = new Set<string>();
    for (const token of tokens) {
      const cutoff = this.notBefore.get(token.agentId)?.issuedUpTo;
      if (this.revoked.has(token.tokenId) || (cutoff !== undefined && token.issuedAt <= cutoff)) out.add(token.tokenId);
    }
    return out;
  }

  // Entries die with the tokens they revoke, as Redis expiries would.
  private prune(): void {
    const now = this.clock.now();
    for (const [tokenId, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(tokenId);
    for (const [agentId, entry] of this.notBefore) if (entry.until <= now) this.notBefore.delete(agentId);
  }
}
