import { type Logger } from '@perch/platform';
import { type BrandAccount, type DirectMessageTimeline } from '@perch/x-client';

import { BrandPollLoop } from './brand-poll-loop.util';
import { type CursorStore } from './cursor/cursor-store.port';
import { type InboundSource, type InboundSourceHandlers } from './inbound-source.port';

export interface DmPollingOptions {
  /** Pause between two polls of one brand's DM events. X allows 15 reads per 15 minutes per user (one a minute). */
  intervalMs: number;
  /** Longest pause after failures (the pause's ceiling doubles per failure up to this). Default 15 minutes, one window. */
  maxBackoffMs?: number;
}

export interface DmPollingCounters {
  polls: number;
  delivered: number;
  failures: number;
}

export function dmCursorKey(brandId: string): string {
  return `dm-events:${brandId}`;
}

/**
 * A brand's DM inbox (GET /2/dm_events) as an inbound source: the fallback when a webhook delivery is lost and the
 * backfill of what arrived while Perch was down. Each brand's newest seen event id lives in the CursorStore and
 * moves only after every message of a complete read was published, so a restart resumes exactly where it stopped
 * (no gap), and the ingestor's dedupe drops what the webhook already delivered (no duplicate).
 */
export class DmPollingSource implements InboundSource {
  readonly counters: DmPollingCounters = { polls: 0, delivered: 0, failures: 0 };
  private readonly loop: BrandPollLoop;
  // Cancels reads waiting for X's rate-limit window, so stop() does not wait up to a window for them.
  private abort = new AbortController();

  constructor(
    private readonly timeline: DirectMessageTimeline,
    private readonly brands: readonly BrandAccount[],
    private readonly cursors: CursorStore,
    private readonly logger: Logger,
    options: DmPollingOptions,
  ) {
    this.loop = new BrandPollLoop({
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs ?? 15 * 60_000,
      name: 'DM poll',
      logger,
      onFailure: () => {
        this.counters.failures += 1;
      },
    });
  }

  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.abort = new AbortController();
    this.loop.start(this.brands, (brand) => this.pollOnce(brand, handlers));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop.stop();
  }

  /** One poll of one brand; exposed so tests and operators can force a backfill. Returns the messages handed over. */
  async pollOnce(brand: BrandAccount, handlers: InboundSourceHandlers): Promise<number> {
    this.counters.polls += 1;
    const key = dmCursorKey(brand.id);
    const signal = this.abort.signal;
    const sinceId = await this.cursors.get(key);
    if (sinceId === undefined) {
      // A brand seen for the first time starts at its newest DM: Perch answers what arrives from now on, not the
      // inbox's history. A brand with no DM at all starts at '0', so its very first one counts.
      const newest = await this.timeline.newestEventId(brand.token, brand.id, signal);
      await this.cursors.advance(key, newest ?? '0');
      this.logger.info({ brand: brand.username, cursor: newest ?? '0' }, 'DM polling starts at the newest event');
      return 0;
    }
    const batch = await this.timeline.readSince({ token: brand.token, userId: brand.id, sinceId, signal });
    const receivedAt = Date.now();
    // Oldest first and one at a time: a failure stops the read before anything newer, and the cursor stays.
    for (const message of batch.messages) {
      await handlers.onDirectMessage(message, receivedAt, 'dm-poll');
    }
    for (const problem of batch.problems) handlers.onProblem({ ...problem, origin: 'x.dm-events' });
    if (batch.newestId !== undefined) await this.cursors.advance(key, batch.newestId);
    this.counters.delivered += batch.messages.length;
    if (batch.messages.length > 0) {
      this.logger.debug({ brand: brand.username, messages: batch.messages.length, pages: batch.pages, cursor: batch.newestId }, 'DM poll read');
    }
    return batch.messages.length;
  }

}
