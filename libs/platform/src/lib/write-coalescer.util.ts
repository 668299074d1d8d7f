export interface WriteCoalescerOptions {
  /** Items written in one call at most. Default 500. */
  maxBatch?: number;
  /**
   * Whether a failed write failed because of what one of its items holds (that item alone should fail) rather than
   * because the store is unavailable (every item fails). Such a batch is halved until the item is alone: log2(n)
   * more writes, not n. Default: never. For PostgreSQL: isSqlRowError (failure-classification.util).
   */
  isItemError?: (error: unknown) => boolean;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 500;

/**
 * Coalesces writes: one write in flight at a time, and what is submitted meanwhile goes out together in the next one.
 * Each submit resolves with its own item's result only once the write holding it has completed, so a caller that
 * awaited it knows its item is stored. One statement for many rows instead of one per row is what keeps a shared
 * database pool from queueing (ADR 30).
 */
export class WriteCoalescer<T, R> {
  private readonly maxBatch: number;
  private readonly isItemError: (error: unknown) => boolean;
  private queue: Pending<T, R>[] = [];
  private flushing: Promise<void> | undefined;

  /** `write` gets a batch and resolves one result per item, in order. */
  constructor(
    private readonly write: (items: readonly T[]) => Promise<readonly R[]>,
    options: WriteCoalescerOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.isItemError = options.isItemError ?? (() => false);
  }

  /** Items submitted and not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once everything submitted before (and during) the call is written or refused. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    // One turn of the event loop lets what the same batch of events or burst of requests submits join the first write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) await this.writeBatch(this.queue.splice(0, this.maxBatch));
  }

  private async writeBatch(batch: readonly Pending<T, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.write(batch.map(itemOf));
    } catch (error) {
      if (batch.length > 1 && this.isItemError(error)) {
        const half = Math.ceil(batch.length / 2);
        await this.writeBatch(batch.slice(0, half));
        await this.writeBatch(batch.slice(half));
        return;
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (results.length !== batch.length) {
      const error = new Error(`a coalesced write answered ${results.length} results for ${batch.length} items`);
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (let index = 0; index < batch.length; index += 1) batch[index]?.resolve(results[index] as R);
  }
}

// Not an arrow made per batch: a closure made per call loses its optimized code at every major GC (ADR 49).
function itemOf<T, R>(pending: Pending<T, R>): T {
  return pending.item;
}
