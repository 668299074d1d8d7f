/**
 * A map whose entries live `ttlMs` from their last touch, for in-memory adapters that mirror Redis keys with a TTL.
 * Every touch re-inserts, so insertion order is expiry order and eviction stops at the first live entry.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  /** The value of `key` while it lives at `now`. */
  get(key: K, now: number): V | undefined {
    const held = this.entries.get(key);
    return held && held.expiresAt > now ? held.value : undefined;
  }

  /** Stores `value` under `key` for another ttlMs from `now`. */
  touch(key: K, value: V, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }

  /** Drops the entries expired at `now`. */
  evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }

  /** The values alive at `now`, least recently touched first. */
  values(now: number): V[] {
    return [...this.entries.values()].filter((entry) => entry.expiresAt > now).map((entry) => entry.value);
  }
}
