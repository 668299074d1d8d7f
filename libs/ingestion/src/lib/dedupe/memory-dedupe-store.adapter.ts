import { randomUUID } from 'node:crypto';

import { type Clock, systemClock } from '@perch/platform';
import { LRUCache } from 'lru-cache';

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
  /** Reads peek and writes set: the order of last write is what eviction goes by. */
  private readonly entries: LRUCache<string, Entry>;
  private readonly claimTtlMs: number;
  private readonly clock: Clock;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    // Bounded by count through maxSize (each entry weighs 1) rather than max, which would allocate the
    // whole capacity (a million slots) up front.
    this.entries = new LRUCache({ maxSize: options.capacity ?? 1_000_000, sizeCalculation: () => 1 });
    this.claimTtlMs = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  async claim(id: string): Promise<DedupeClaim> {
    const now = this.clock.now();
    const entry = this.entries.peek(id);
    if (entry?.state === 'published') return { status: 'published' };
    if (entry && entry.expiresAt > now) return { status: 'in-flight', retryInMs: entry.expiresAt - now };
    const token = randomUUID();
    this.entries.set(id, { state: 'claimed', token, expiresAt: now + this.claimTtlMs });
    return { status: 'claimed', token };
  }

  async markPublished(id: string): Promise<void> {
    this.entries.set(id, { state: 'published' });
  }

  async release(id: string, token: string): Promise<void> {
    const entry = this.entries.peek(id);
    if (entry?.state === 'claimed' && entry.token === token) this.entries.delete(id);
  }
}
