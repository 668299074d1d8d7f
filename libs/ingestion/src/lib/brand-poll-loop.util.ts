import { backoffDelay, errorMessage, type Logger, RetryableError } from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';


export interface BrandPollLoopOptions {
  /** Pause between two polls of one brand. */
  intervalMs: number;
  /** Longest pause after failures (the pause's ceiling doubles per failure up to this; full jitter below it). */
  maxBackoffMs: number;
  /** Names the loop in logs, e.g. "mentions poll". */
  name: string;
  logger: Logger;
  /** Counted once per failed poll. */
  onFailure?: () => void;
}

/**
 * Polls each brand on its own timer: the next poll after a success waits intervalMs, after failures a jittered pause
 * whose ceiling doubles up to maxBackoffMs, and an X rate limit waits for the window's reset. stop() cancels the timers and
 * waits for polls in flight. Shared by the mentions and the DM polling sources.
 */
export class BrandPollLoop {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = true;

  constructor(private readonly options: BrandPollLoopOptions) {}

  start(brands: readonly BrandAccount[], poll: (brand: BrandAccount) => Promise<unknown>): void {
    this.stopped = false;
    for (const brand of brands) this.schedule(brand, poll, 0, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(brand: BrandAccount, poll: (brand: BrandAccount) => Promise<unknown>, delayMs: number, failures: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      const work = poll(brand).then(
        () => this.schedule(brand, poll, this.options.intervalMs, 0),
        (error: unknown) => {
          if (this.stopped) return;
          this.options.onFailure?.();
          // Jittered, so brands that failed together (one X outage) do not poll again in lockstep.
          const backoff = backoffDelay({ attempt: failures + 2, baseMs: this.options.intervalMs, maxMs: this.options.maxBackoffMs });
          // X says when its window resets; waiting for that beats guessing.
          const wait = error instanceof RetryableError && error.retryAfterMs !== undefined ? Math.max(backoff, error.retryAfterMs) : backoff;
          this.options.logger.warn({ brand: brand.username, err: errorMessage(error), retryInMs: wait }, `${this.options.name} failed`);
          this.schedule(brand, poll, wait, failures + 1);
        },
      );
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    }, delayMs);
    timer.unref?.();
    this.timers.set(brand.id, timer);
  }
}
