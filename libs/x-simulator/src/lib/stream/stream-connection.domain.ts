import type { ServerResponse } from 'node:http';

import type { FieldSelection } from '../http/field-selection.util';

const CRLF = Buffer.from('\r\n');

export interface StreamConnectionHooks {
  keepAliveMs: number;
  slowReaderBytes: number;
  /** Called with the number of tweets written by one flush. */
  onDelivered(count: number): void;
  onKeepAlive(): void;
  /** The reader fell too far behind; the hub cuts it off like X does (SlowReader). */
  onSlowReader(connection: StreamConnection): void;
}

/**
 * One open filtered-stream response. Messages are queued and written in one write per event-loop turn
 * (setImmediate), which is what lets a single reader take 10k+ tweets/s; keep-alives are always their
 * own write because twitter-api-v2 only recognises a chunk that is exactly "\r\n".
 */
export class StreamConnection {
  readonly connectedAt = Date.now();
  delivered = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingTweets = 0;
  private flushScheduled = false;
  private stalledUntil = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly keepAliveTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly id: number,
    readonly res: ServerResponse,
    readonly selection: FieldSelection,
    private readonly hooks: StreamConnectionHooks,
  ) {
    this.keepAliveTimer = setInterval(() => this.keepAlive(), hooks.keepAliveMs);
    this.keepAliveTimer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isStalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  get pendingCount(): number {
    return this.pendingTweets;
  }

  /**
   * Queues one serialised message (without its "\r\n"). Encoding each message on its own and
   * concatenating buffers is ~9x cheaper than joining strings: emoji make the joined string two-byte,
   * and encoding that to UTF-8 dominated the write path.
   */
  enqueueTweet(json: string): void {
    if (this.closed) return;
    const message = Buffer.from(json);
    this.pending.push(message, CRLF);
    this.pendingBytes += message.length + CRLF.length;
    this.pendingTweets++;
    this.scheduleFlush();
  }

  /** Writes a raw line now, as its own chunk (fault injection, disconnect messages). */
  writeLine(line: string): void {
    if (this.closed) return;
    this.flush();
    this.res.write(`${line}\r\n`);
  }

  /** Silence: no data and no keep-alives for `ms`; queued messages are written when it ends. */
  stall(ms: number): void {
    this.stalledUntil = Date.now() + ms;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      this.flush();
    }, ms);
    this.stallTimer.unref();
  }

  flush = (): void => {
    this.flushScheduled = false;
    if (this.closed || this.pending.length === 0 || this.isStalled) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    const count = this.pendingTweets;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingTweets = 0;
    this.res.write(chunk);
    this.delivered += count;
    this.hooks.onDelivered(count);
    if (this.res.writableLength > this.hooks.slowReaderBytes) this.hooks.onSlowReader(this);
  };

  /** Ends the response: optionally after a final message, or abruptly (socket destroyed). */
  close(mode: { finalLine?: string; hard?: boolean } = {}): void {
    if (this.closed) return;
    if (!mode.hard) this.flush();
    this.markClosed();
    if (mode.hard) {
      this.res.destroy();
      return;
    }
    if (mode.finalLine !== undefined) this.res.write(`${mode.finalLine}\r\n`);
    this.res.end();
  }

  /** The client went away. */
  markClosed(): void {
    this.closed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingTweets = 0;
    clearInterval(this.keepAliveTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  private keepAlive(): void {
    if (this.closed || this.isStalled) return;
    this.flush();
    this.res.write('\r\n');
    this.hooks.onKeepAlive();
  }
}
