import { type Clock, systemClock } from '@perch/platform';

import { type LeaderLease } from './leader-lease.port';

/** In-process LeaderLease: the embedded mode's single ingestor, and tests of the fail-over logic. */
export class MemoryLeaderLease implements LeaderLease {
  private holder: string | undefined;
  private until = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async acquire(holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.holder !== undefined && this.holder !== holder && this.until > now) return false;
    this.holder = holder;
    this.until = now + ttlMs;
    return true;
  }

  async renew(holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.holder !== holder || this.until <= now) return false;
    this.until = now + ttlMs;
    return true;
  }

  async release(holder: string): Promise<void> {
    if (this.holder === holder) this.holder = undefined;
  }
}
