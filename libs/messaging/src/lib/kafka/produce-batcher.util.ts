import { type TransportMessage } from '../port/transport.port';

/** Messages of one topic, in the order callers sent them. */
export interface TopicBatch {
  topic: string;
  messages: TransportMessage[];
}

export interface ProduceBatcherOptions {
  /**
   * How long the first queued message waits for company before a produce request goes out, when the previous request
   * went out less than that long ago (the lane is busy: company is likely). A message that finds the lane idle for
   * longer, or any message when this is 0, waits only for the end of the current turn of the event loop
   * (setImmediate), so sends made together still share a request.
   */
  lingerMs: number;
  /** A request goes out at once when this many messages are queued. */
  maxBatchMessages: number;
  /** Approximate payload cap per request; Kafka refuses record batches above message.max.bytes (1 MiB). */
  maxBatchBytes: number;
  /**
   * Produce requests in flight at once. 1 keeps per-key order across concurrent send() calls even
   * when a request is retried; more raises throughput over slow links at the cost of that order.
   */
  maxInFlight: number;
  /** The clock the linger reads (ms); tests give their own. */
  now?: () => number;
}

interface SendRequest {
  remaining: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Queued {
  topic: string;
  message: TransportMessage;
  bytes: number;
  request: SendRequest;
}

/** Rough size on the wire: payload plus record overhead (offset delta, lengths, attributes). */
const RECORD_OVERHEAD_BYTES = 24;

/**
 * Coalesces many concurrent send() calls into few produce requests. The first message waits for
 * the end of its turn of the event loop, or `lingerMs` when the previous request went out less than
 * that long ago; while a request is in flight the queue keeps filling, so under load each
 * request carries everything that arrived during the previous round trip (adaptive batching).
 * Each caller's promise settles once all of its messages are acknowledged, or fails with the
 * first error that hit any of them.
 */
export class ProduceBatcher {
  private queue: Queued[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inFlight = 0;
  /** The pending end-of-turn or linger wait, if any (one at a time). */
  private immediate: NodeJS.Immediate | undefined;
  private timeout: NodeJS.Timeout | undefined;
  /** When the last produce request went out (ms, by `now`). */
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly produce: (batches: TopicBatch[]) => Promise<void>,
    private readonly options: ProduceBatcherOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Messages queued or in flight: for metrics and for draining on shutdown. */
  get pending(): number {
    return this.queue.length - this.head + this.inFlight;
  }

  send(topic: string, messages: readonly TransportMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const request: SendRequest = { remaining: messages.length, settled: false, resolve, reject };
      for (const message of messages) {
        const bytes = sizeOf(message);
        this.queue.push({ topic, message, bytes, request });
        this.queuedBytes += bytes;
      }
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or in flight (sends issued meanwhile are waited for too). */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    this.flushNow();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    const queued = this.queue.length - this.head;
    if (queued >= this.options.maxBatchMessages || this.queuedBytes >= this.options.maxBatchBytes) {
      this.flushNow();
      return;
    }
    // While a request is in flight its completion flushes; no timer needed until then.
    if (this.immediate || this.timeout || this.inFlight >= this.options.maxInFlight) return;
    // An idle lane sends at once: at low load a linger only delays every hop of an agent's action (ADR 50); under load
    // it fills requests, which the broker and both clients pay per request for.
    if (this.options.lingerMs <= 0 || this.now() - this.lastSentAt >= this.options.lingerMs) this.immediate = setImmediate(this.fire);
    else this.timeout = setTimeout(this.fire, this.options.lingerMs);
  }

  /** Made once, not per wait: a closure made per call loses its optimized code at every major GC (ADR 49). */
  private readonly fire = (): void => {
    this.immediate = undefined;
    this.timeout = undefined;
    this.flushNow();
  };

  private flushNow(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timeout) clearTimeout(this.timeout);
    this.immediate = undefined;
    this.timeout = undefined;
    while (this.inFlight < this.options.maxInFlight && this.head < this.queue.length) {
      const batch = this.take();
      this.inFlight += 1;
      this.lastSentAt = this.now();
      void this.run(batch);
    }
  }

  /** Takes messages from the head up to the count and byte caps (always at least one). */
  private take(): Queued[] {
    const batch: Queued[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && batch.length < this.options.maxBatchMessages) {
      const next = this.queue[this.head];
      if (!next) break;
      if (batch.length > 0 && bytes + next.bytes > this.options.maxBatchBytes) break;
      batch.push(next);
      bytes += next.bytes;
      this.head += 1;
    }
    this.queuedBytes -= bytes;
    // Compact occasionally rather than shift() per message.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    } else if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return batch;
  }

  private async run(batch: Queued[]): Promise<void> {
    const byTopic = new Map<string, TransportMessage[]>();
    for (const item of batch) {
      const list = byTopic.get(item.topic);
      if (list) list.push(item.message);
      else byTopic.set(item.topic, [item.message]);
    }
    let failure: { error: unknown } | undefined;
    try {
      await this.produce([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    } catch (error) {
      failure = { error };
    }
    for (const { request } of batch) {
      if (request.settled) continue;
      if (failure) {
        request.settled = true;
        request.reject(failure.error);
      } else if ((request.remaining -= 1) === 0) {
        request.settled = true;
        request.resolve();
      }
    }
    this.inFlight -= 1;
    // Whatever queued up during the round trip has waited long enough: send it now.
    if (this.head < this.queue.length) this.flushNow();
    if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function sizeOf(message: TransportMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  if (message.headers) {
    for (const [name, value] of Object.entries(message.headers)) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
    }
  }
  return bytes;
}
