import { type Logger } from '@perch/platform';
import { type BrandAccount, type MentionsTimelineReader } from '@perch/x-client';

import { BrandPollLoop } from './brand-poll-loop.util';
import { type CursorStore } from './cursor/cursor-store.port';
import { type InboundSource, type InboundSourceHandlers } from './inbound-source.port';

export interface MentionsPollingOptions {
  /** Pause between two polls of one brand. X allows 300 mention reads per 15 minutes per user (one per 3 s). */
  intervalMs: number;
  /** Longest pause after failures (the pause's ceiling doubles per failure up to this). Default 5 minutes. */
  maxBackoffMs?: number;
}

export interface MentionsPollingCounters {
  polls: number;
  delivered: number;
  failures: number;
}

export function mentionsCursorKey(brandId: string): string {
  return `mentions:${brandId}`;
}

/**
 * The mentions timeline as an inbound source: the fallback when the stream is down and the backfill of what
 * was missed while the ingestor was. Each brand's since_id lives in the CursorStore and moves only after
 * every tweet of a read was published, so a restart resumes exactly where it stopped (no gap), and the
 * ingestor's dedupe drops what the stream already delivered (no duplicate).
 */
export class MentionsPollingSource implements InboundSource {
  readonly counters: MentionsPollingCounters = { polls: 0, delivered: 0, failures: 0 };
  private readonly loop: BrandPollLoop;

  constructor(
    private readonly reader: MentionsTimelineReader,
    private readonly brands: readonly BrandAccount[],
    private readonly cursors: CursorStore,
    logger: Logger,
    options: MentionsPollingOptions,
  ) {
    this.loop = new BrandPollLoop({
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs ?? 300_000,
      name: 'mentions poll',
      logger,
      onFailure: () => {
        this.counters.failures += 1;
      },
    });
  }

  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.loop.start(this.brands, (brand) => this.pollOnce(brand, handlers));
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One poll of one brand; exposed so tests and operators can force a backfill. */
  async pollOnce(brand: BrandAccount, handlers: InboundSourceHandlers): Promise<number> {
    this.counters.polls += 1;
    const key = mentionsCursorKey(brand.id);
    const sinceId = await this.cursors.get(key);
    if (sinceId === undefined) {
      // A brand seen for the first time starts at its newest mention: Perch answers what arrives from now on,
      // not years of history. A brand with no mention at all starts at '0', so its very first one counts.
      const newest = await this.reader.newestId(brand.token, brand.id);
      await this.cursors.advance(key, newest ?? '0');
      return 0;
    }
    const batch = await this.reader.readSince({ token: brand.token, userId: brand.id, sinceId });
    const receivedAt = Date.now();
    // Oldest first and one at a time: a failure stops the read before anything newer, and the cursor stays.
    for (const tweet of batch.tweets) {
      await handlers.onTweet({ ...tweet, matching_rules: [{ id: 'mentions', tag: `brand:${brand.id}` }] }, receivedAt, 'mentions-poll');
    }
    if (batch.newestId !== undefined) await this.cursors.advance(key, batch.newestId);
    this.counters.delivered += batch.tweets.length;
    return batch.tweets.length;
  }

}
