import { randomUUID } from 'node:crypto';

import { type Clock, systemClock } from '@perch/platform';

import { type DedupeClaim, type DedupeStore, DEFAULT_CLAIM_TTL_MS } from './dedupe-store.port';

export interface MemoryDedupeStoreOptions {
  /** Most ids kept; the oldest fall out first. Default 1,000,000. */
  capacity?: number;
  claimTtlMs?: number;
  clock?: Clock;
}

type Entry = { state: 'claimed'; token: string; expiresAt: number } | { state: 'published' };

/** Bounded in-process dedupe for the embedded mode: the oldest ids fall out first. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  private readonly capacity: number;
  private readonly claimTtlMs: number;
  private readonly clock: Clock;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    this.capacity = options.capacity ?? 1_000_000;
    this.claimTtlMs = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  async claim(id: string): Promise<DedupeClaim> {
    const now = this.clock.now();
    const entry = this.entries.get(id);
    if (entry?.state === 'published') return { status: 'published' };
    if (entry && entry.expiresAt > now) return { status: 'in-flight', retryInMs: entry.expiresAt - now };
    const token = randomUUID();
    this.set(id, { state: 'claimed', token, expiresAt: now + this.claimTtlMs });
    return { status: 'claimed', token };
  }

  async markPublished(id: string): Promise<void> {
    this.set(id, { state: 'published' });
  }

  async release(id: string, token: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry?.state === 'claimed' && entry.token === token) this.entries.delete(id);
  }

  private set(id: string, entry: Entry): void {
    // Re-inserted so that the Map's order stays the order of last use, which is what eviction goes by.
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
