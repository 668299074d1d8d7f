import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { type AgentProfile, type AgentRole } from '@perch/agents';
import { createLogger } from '@perch/platform';
import { type AgentSnapshot } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { bucketStartOf, MAX_SERIES_HOURS, SERIES_BUCKET_MS, type SeriesBucket } from './interaction-series-store.port';
import { SupervisorDataService } from './supervisor-data.service';
import { seriesBucketFingerprint, seriesChangesView } from './supervisor-series.domain';
import { SupervisorSeriesService } from './supervisor-series.service';
import { agentFingerprint, queuesFingerprint } from './supervisor-view.domain';

/** Who gets `supervisor-snapshot` pushes (and may read GET /api/supervisor/…). */
export const SUPERVISOR_ROLES: readonly AgentRole[] = ['supervisor', 'admin'];

/** An agent an event names is re-read this many rounds: a change announced by a command may land a moment later. */
const SETTLE_ROUNDS = 2;
/** Agents re-read per round at most from events (the rest wait for the next round), so a burst stays bounded. */
const MAX_NOTED_PER_ROUND = 500;
/**
 * Agents re-read per round in rotation, whatever the events said: a change whose event was lost still reaches
 * supervisors within (agents / this) rounds. One bounded read per round.
 */
const RECONCILE_PAGE = 100;
const DEFAULT_PUSH_INTERVAL_MS = 1_000;

/**
 * Supervisors' live feed on this replica: every push interval (1 s) while a supervisor or admin is connected here,
 * one bounded read of the queues (O(queues)) and of the agents events named since (plus a rotating page), and a
 * `supervisor-snapshot` to their sockets only when the queues or an agent changed: the queues' summary and the
 * changed agents, never the whole floor. Agents' sockets never get it.
 */
@Injectable()
export class SupervisorPushService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-supervisor-push');
  /** Supervisors and admins with a socket on this replica. */
  private readonly supervisors = new Set<string>();
  /** agentId → rounds left to re-read it. */
  private readonly noted = new Map<string, number>();
  /** agentId → what was last pushed of it (the record, without the clock). */
  private readonly pushed = new Map<string, string>();
  /** Series bucket start → rounds left to re-read it (an event counted there, or about to be). */
  private readonly notedBuckets = new Map<number, number>();
  /** Series bucket start → what was last pushed of it. */
  private readonly pushedBuckets = new Map<number, string>();
  private lastQueues: string | undefined;
  private reconcileCursor: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly hub: AgentSocketHub,
    private readonly data: SupervisorDataService,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    // Optional so that a push service built without charts (older tests, tools) still pushes queues and agents.
    @Optional() private readonly series?: SupervisorSeriesService,
  ) {
    this.intervalMs = options.supervisor?.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS;
  }

  onModuleInit(): void {
    this.hub.onConnected((agent) => this.onConnected(agent));
    this.timer = setInterval(() => void this.pushRound(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** An event named this agent (its state or its load may have changed): re-read it in the next rounds. */
  noteAgent(agentId: string): void {
    if (this.supervisors.size > 0) this.noted.set(agentId, SETTLE_ROUNDS);
  }

  /**
   * A lifecycle event that the charts count happened at `at`: re-read its bucket in the next rounds (the shared
   * counting group may apply it a moment after this replica hears of it).
   */
  noteSeriesAt(at: number): void {
    if (this.supervisors.size === 0 || !this.series || !Number.isFinite(at)) return;
    if (at < this.series.now() - MAX_SERIES_HOURS * 60 * 60 * 1000) return;
    this.notedBuckets.set(bucketStartOf(at), SETTLE_ROUNDS + 1);
  }

  /**
   * One round (the timer calls it; tests may too): returns whether a snapshot went out. Rounds never overlap: one
   * called while another runs waits for it and reports that one.
   */
  pushRound(): Promise<boolean> {
    this.running ??= this.round()
      .catch((error: unknown) => {
        // The next round reads afresh; nothing is lost but a second of freshness.
        this.logger.warn({ err: error }, 'supervisor snapshot failed');
        return false;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private onConnected(agent: AgentProfile): void {
    if (!SUPERVISOR_ROLES.includes(agent.role)) return;
    this.supervisors.add(agent.id);
    void this.sendInitial(agent.id);
  }

  private async sendInitial(supervisorId: string): Promise<void> {
    try {
      const queues = await this.data.queues();
      this.hub.send(supervisorId, { type: 'supervisor-snapshot', initial: true, queues, agents: [] });
    } catch (error) {
      this.logger.warn({ agentId: supervisorId, err: error }, 'initial supervisor snapshot failed');
    }
  }

  private async round(): Promise<boolean> {
    for (const id of this.supervisors) if (!this.hub.isConnected(id)) this.supervisors.delete(id);
    if (this.supervisors.size === 0) {
      this.noted.clear();
      this.notedBuckets.clear();
      return false;
    }
    const ids = [...this.noted.keys()].slice(0, MAX_NOTED_PER_ROUND);
    for (const id of ids) {
      const left = (this.noted.get(id) ?? 1) - 1;
      if (left > 0) this.noted.set(id, left);
      else this.noted.delete(id);
    }
    const [queues, named, page, buckets] = await Promise.all([
      this.data.queues(),
      ids.length === 0 ? Promise.resolve([]) : this.data.agentsByIds(ids),
      this.data.agentSnapshotPage(this.reconcileCursor, RECONCILE_PAGE),
      this.notedSeriesBuckets(),
    ]);
    this.reconcileCursor = page.nextCursor;

    const changed = new Map<string, AgentSnapshot>();
    for (const agent of [...named, ...page.agents]) {
      const fingerprint = agentFingerprint(agent);
      if (this.pushed.get(agent.agentId) === fingerprint) continue;
      this.pushed.set(agent.agentId, fingerprint);
      changed.set(agent.agentId, agent);
    }
    const changedBuckets = buckets.filter((bucket) => {
      const fingerprint = seriesBucketFingerprint(bucket);
      if (this.pushedBuckets.get(bucket.start) === fingerprint) return false;
      this.pushedBuckets.set(bucket.start, fingerprint);
      return true;
    });
    const queuesNow = queuesFingerprint(queues);
    if (queuesNow === this.lastQueues && changed.size === 0 && changedBuckets.length === 0) return false;
    this.lastQueues = queuesNow;
    const at = Date.parse(queues.at);
    const message = {
      type: 'supervisor-snapshot' as const,
      initial: false,
      queues,
      agents: [...changed.values()].map((agent) => this.data.agentView(agent, at)),
      ...(changedBuckets.length === 0 ? {} : { series: seriesChangesView(changedBuckets, at) }),
    };
    for (const id of this.supervisors) this.hub.send(id, message);
    return true;
  }

  /**
   * The noted series buckets and the current one as stored now: one bounded read (the span they cover, at most the
   * longest window). The current bucket is read every round, so its changes arrive even when the counting group lags
   * its events by more than the noted rounds.
   */
  private async notedSeriesBuckets(): Promise<SeriesBucket[]> {
    if (!this.series) return [];
    const current = bucketStartOf(this.series.now());
    const starts = [...this.notedBuckets.keys()];
    for (const start of starts) {
      const left = (this.notedBuckets.get(start) ?? 1) - 1;
      if (left > 0) this.notedBuckets.set(start, left);
      else this.notedBuckets.delete(start);
    }
    const wanted = new Set([...starts, current]);
    const read = await this.series.bucketsBetween(Math.min(...wanted), Math.max(...wanted) + SERIES_BUCKET_MS);
    // Forget what was pushed of buckets older than any window, so the map stays bounded.
    const horizon = this.series.now() - MAX_SERIES_HOURS * 60 * 60 * 1000;
    for (const start of this.pushedBuckets.keys()) if (start < horizon) this.pushedBuckets.delete(start);
    return read.filter((bucket) => wanted.has(bucket.start));
  }
}
