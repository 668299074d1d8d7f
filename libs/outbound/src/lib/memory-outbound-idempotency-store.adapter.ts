import { type OutboundCompletedPayload } from '@perch/contracts';
import { type Clock, systemClock } from '@perch/platform';

import { type ClaimResult, type OutboundIdempotencyStore, type ReleaseOptions } from './outbound-idempotency-store.port';

interface Claim {
  owner: string;
  leaseUntil: number;
}

/** In-process OutboundIdempotencyStore for the embedded mode and tests; the clock is injectable. */
export class MemoryOutboundIdempotencyStore implements OutboundIdempotencyStore {
  private readonly results = new Map<string, OutboundCompletedPayload>();
  private readonly claims = new Map<string, Claim>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async claim(commandId: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const result = this.results.get(commandId);
    if (result) return { status: 'done', result: structuredClone(result) };
    const now = this.clock.now();
    const held = this.claims.get(commandId);
    if (held && held.leaseUntil > now) return { status: 'in-progress', leaseRemainingMs: held.leaseUntil - now };
    const attempt = (this.attempts.get(commandId) ?? 0) + 1;
    this.attempts.set(commandId, attempt);
    this.claims.set(commandId, { owner, leaseUntil: now + leaseMs });
    return { status: 'claimed', attempt };
  }

  async complete(commandId: string, result: OutboundCompletedPayload): Promise<OutboundCompletedPayload> {
    const recorded = this.results.get(commandId);
    this.claims.delete(commandId);
    if (recorded) return structuredClone(recorded);
    this.results.set(commandId, structuredClone(result));
    return structuredClone(result);
  }

  async release(commandId: string, owner: string, options: ReleaseOptions = {}): Promise<void> {
    if (this.claims.get(commandId)?.owner !== owner) return;
    this.claims.delete(commandId);
    const attempts = this.attempts.get(commandId) ?? 0;
    if (options.untouched && attempts > 0) this.attempts.set(commandId, attempts - 1);
  }
}
