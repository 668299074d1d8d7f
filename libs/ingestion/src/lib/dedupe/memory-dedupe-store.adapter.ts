import { type DedupeStore } from './dedupe-store.port';

/** Bounded in-process dedupe for the embedded mode: the oldest ids fall out first. */
export class MemoryDedupeStore implements DedupeStore {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 1_000_000) {}

  async firstSeen(id: string): Promise<boolean> {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  async forget(id: string): Promise<void> {
    this.seen.delete(id);
  }
}
