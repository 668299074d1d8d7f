/**
 * One holder at a time for work X allows only once per app: the filtered stream takes one connection, and
 * each brand's mentions and DM reads share one rate-limit window. Ingestor replicas compete for the lease;
 * the holder runs those sources, the others stand by (and all of them serve the webhook).
 * Contract: ../testing/leader-lease.contract.ts.
 */
export interface LeaderLease {
  /** Takes the lease for `ttlMs` if nobody holds it (or this holder already does); true when held. */
  acquire(holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease if `holder` still holds it; false when it was lost (expired and taken, or released). */
  renew(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it, so a standby takes over at once rather than after the TTL. */
  release(holder: string): Promise<void>;
}
