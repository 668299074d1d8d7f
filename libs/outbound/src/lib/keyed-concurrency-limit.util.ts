import { ValidationFailedError } from '@perch/platform';

interface Slots {
  active: number;
  /** Tasks waiting for a slot, first come first served. */
  waiting: (() => void)[];
}

/**
 * At most `limit` tasks of one key at once (the outbound worker's calls to X for one brand), the others wait their
 * turn; distinct keys never wait for each other. In-process: it bounds this replica's sockets per brand, while X's
 * windows are kept by the rate-limit budget and the shared pauses.
 */
export class KeyedConcurrencyLimit {
  private readonly slots = new Map<string, Slots>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ValidationFailedError(`concurrency limit must be a positive integer (got ${limit})`, [{ field: 'limit', messages: ['positive integer'] }]);
    }
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /** Tasks of `key` running now. */
  active(key: string): number {
    return this.slots.get(key)?.active ?? 0;
  }

  private acquire(key: string): Promise<void> {
    let slots = this.slots.get(key);
    if (!slots) {
      slots = { active: 0, waiting: [] };
      this.slots.set(key, slots);
    }
    if (slots.active < this.limit) {
      slots.active += 1;
      return Promise.resolve();
    }
    const queue = slots.waiting;
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  private release(key: string): void {
    const slots = this.slots.get(key);
    if (!slots) return;
    // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
    const next = slots.waiting.shift();
    if (next) {
      next();
      return;
    }
    slots.active -= 1;
    if (slots.active === 0) this.slots.delete(key);
  }
}
