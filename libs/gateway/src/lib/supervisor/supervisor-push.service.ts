import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AgentProfile, type AgentRole } from '@perch/agents';
import { createLogger } from '@perch/platform';
import { type AgentSnapshot } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { SupervisorDataService } from './supervisor-data.service';
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
  private lastQueues: string | undefined;
  private reconcileCursor: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly hub: AgentSocketHub,
    private readonly data: SupervisorDataService,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
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
      return false;
    }
    const ids = [...this.noted.keys()].slice(0, MAX_NOTED_PER_ROUND);
    for (const id of ids) {
      const left = (this.noted.get(id) ?? 1) - 1;
      if (left > 0) this.noted.set(id, left);
      else this.noted.delete(id);
    }
    const [queues, named, page] = await Promise.all([
      this.data.queues(),
      ids.length === 0 ? Promise.resolve([]) : this.data.agentsByIds(ids),
      this.data.agentSnapshotPage(this.reconcileCursor, RECONCILE_PAGE),
    ]);
    this.reconcileCursor = page.nextCursor;

    const changed = new Map<string, AgentSnapshot>();
    for (const agent of [...named, ...page.agents]) {
      const fingerprint = agentFingerprint(agent);
      if (this.pushed.get(agent.agentId) === fingerprint) continue;
      this.pushed.set(agent.agentId, fingerprint);
      changed.set(agent.agentId, agent);
    }
    const queuesNow = queuesFingerprint(queues);
    if (queuesNow === this.lastQueues && changed.size === 0) return false;
    this.lastQueues = queuesNow;
    const at = Date.parse(queues.at);
    const message = {
      type: 'supervisor-snapshot' as const,
      initial: false,
      queues,
      agents: [...changed.values()].map((agent) => this.data.agentView(agent, at)),
    };
    for (const id of this.supervisors) this.hub.send(id, message);
    return true;
  }
}
