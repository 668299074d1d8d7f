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
}

/**
 * Runs the wrapped sources only while this process holds the lease: it tries to take the lease every third
 * of its TTL, renews it as often while leading, and stops the sources the moment a renewal fails (the lease
 * expired and another replica may already run them). A standby therefore takes over within one TTL of a
 * crash, and at once after a clean stop, which releases the lease. The sources' cursors live in Redis, so the
 * new leader resumes where the old one stopped.
 */
export class LeaderOnlySource implements InboundSource {
  readonly counters: LeadershipCounters = { leader: 0, acquired: 0, lost: 0 };
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private handlers: InboundSourceHandlers | undefined;
  private leading = false;
  private stopped = true;
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
    // The first attempt is awaited, so a lone replica is leading when start() returns.
    await this.runTick();
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
    try {
      if (this.leading) {
        if (await lease.renew(holder, this.ttlMs)) return;
        this.counters.lost += 1;
        await this.stepDown('lease lost');
        return;
      }
      if (!(await lease.acquire(holder, this.ttlMs))) return;
      this.leading = true;
      this.counters.leader = 1;
      this.counters.acquired += 1;
      logger.info({ holder }, 'leading: starting the stream and the polls');
      for (const source of this.sources) await source.start(this.requireHandlers());
    } catch (error) {
      // Redis unreachable: a leader cannot prove it still leads, so it stops rather than risk two leaders.
      logger.warn({ err: errorMessage(error) }, 'leader lease check failed');
      if (this.leading) await this.stepDown('lease unknown');
    }
  }

  private async stepDown(reason: string): Promise<void> {
    this.leading = false;
    this.counters.leader = 0;
    this.options.logger.warn({ holder: this.options.holder, reason }, 'no longer leading: stopping the stream and the polls');
    await Promise.allSettled(this.sources.map((source) => source.stop()));
  }

  private requireHandlers(): InboundSourceHandlers {
    if (!this.handlers) throw new Error('LeaderOnlySource used before start()');
    return this.handlers;
  }
}
