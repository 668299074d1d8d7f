import { errorMessage, type Logger } from '@perch/platform';

import { type InboundSource, type InboundSourceHandlers } from '../inbound-source.port';
import { type LeaderLease } from './leader-lease.port';

export interface LeaderOnlyOptions {
  lease: LeaderLease;
  /** Unique per process. */
  holder: string;
  /** How long a lease lasts without renewal; a crashed leader is replaced after at most this. Default 15 s. */
  ttlMs?: number;
  logger: Logger;
}

export interface LeadershipCounters {
  /** 1 while this process runs the leader-only sources. */
  leader: number;
  acquired: number;
  lost: number;
  /** A source that failed to start while leading (retried on the next tick, the others run meanwhile). */
  startFailures: number;
}

/**
 * Runs the wrapped sources only while this process holds the lease: it tries to take the lease every third
 * of its TTL, renews it as often while leading, and stops the sources the moment a renewal fails (the lease
 * expired and another replica may already run them). A standby therefore takes over within one TTL of a
 * crash, and at once after a clean stop, which releases the lease. The sources' cursors live in Redis, so the
 * new leader resumes where the old one stopped.
 */
export class LeaderOnlySource implements InboundSource {
  readonly counters: LeadershipCounters = { leader: 0, acquired: 0, lost: 0, startFailures: 0 };
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private handlers: InboundSourceHandlers | undefined;
  private leading = false;
  private stopped = true;
  /** Sources started while leading, and starts in flight (kept apart from the lease tick, see startMissing). */
  private readonly running = new Set<InboundSource>();
  private readonly starting = new Map<InboundSource, Promise<void>>();
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly sources: readonly InboundSource[],
    private readonly options: LeaderOnlyOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 15_000;
  }

  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.handlers = handlers;
    this.stopped = false;
    // The first attempt is awaited, so a lone replica is leading, its sources started, when start() returns.
    await this.runTick();
    await Promise.allSettled([...this.starting.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tick;
    if (this.leading) {
      await this.stepDown('stopping');
      await this.options.lease.release(this.options.holder).catch(() => undefined);
    }
  }

  private runTick(): Promise<void> {
    this.tick = this.step().finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => void this.runTick(), Math.max(50, Math.floor(this.ttlMs / 3)));
    });
    return this.tick;
  }

  private async step(): Promise<void> {
    const { lease, holder, logger } = this.options;
    let holds: boolean;
    try {
      holds = this.leading ? await lease.renew(holder, this.ttlMs) : await lease.acquire(holder, this.ttlMs);
    } catch (error) {
      // Redis unreachable: a leader cannot prove it still leads, so it stops rather than risk two leaders.
      logger.warn({ err: errorMessage(error) }, 'leader lease check failed');
      if (this.leading) await this.stepDown('lease unknown');
      return;
    }
    if (!holds) {
      if (this.leading) {
        this.counters.lost += 1;
        await this.stepDown('lease lost');
      }
      return;
    }
    if (!this.leading) {
      this.leading = true;
      this.counters.leader = 1;
      this.counters.acquired += 1;
      logger.info({ holder }, 'leading: starting the stream and the polls');
    }
    this.startMissing();
  }

  /**
   * Starts each source that is not running, on its own and without holding up the lease tick: a stream whose
   * rules call fails must not keep the polls (its fallback) from running, nor delay a renewal past the TTL.
   * A source that failed is tried again on the next tick.
   */
  private startMissing(): void {
    const handlers = this.requireHandlers();
    for (const source of this.sources) {
      if (this.running.has(source) || this.starting.has(source)) continue;
      const started = source
        .start(handlers)
        .then(
          () => {
            this.running.add(source);
          },
          (error: unknown) => {
            this.counters.startFailures += 1;
            this.options.logger.warn({ err: errorMessage(error) }, 'a leader-only source failed to start; trying again on the next tick');
          },
        )
        .finally(() => this.starting.delete(source));
      this.starting.set(source, started);
    }
  }

  private async stepDown(reason: string): Promise<void> {
    this.leading = false;
    this.counters.leader = 0;
    this.options.logger.warn({ holder: this.options.holder, reason }, 'no longer leading: stopping the stream and the polls');
    // A start in flight finishes first, so what it started is stopped too.
    await Promise.allSettled([...this.starting.values()]);
    await Promise.allSettled([...this.running].map((source) => source.stop()));
    this.running.clear();
  }

  private requireHandlers(): InboundSourceHandlers {
    if (!this.handlers) throw new Error('LeaderOnlySource used before start()');
    return this.handlers;
  }
}
