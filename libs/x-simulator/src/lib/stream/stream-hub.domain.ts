import type { ServerResponse } from 'node:http';

import type { FieldSelection } from '../http/field-selection.util';
import { disconnectMessage, type DisconnectType } from '../http/problems.util';
import type { SimRule, SimTweet } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';
import { buildIncludes, renderTweet } from '../tweets/tweet-render.util';
import { StreamConnection } from './stream-connection.domain';

export interface StreamRefusal {
  status: number;
  remaining: number;
}

export interface StreamHubOptions {
  keepAliveMs: number;
  slowReaderBytes: number;
  maxConnections: number;
}

export interface StreamConnectionView {
  id: number;
  connectedAt: string;
  delivered: number;
  pending: number;
  stalled: boolean;
  tweetFields: string[];
  userFields: string[];
  expansions: string[];
}

/**
 * Owns the open filtered-stream connections: fans every new tweet that matches a rule out to them,
 * and hosts the fault hooks (drop, stall, raw line, refuse) the admin API exposes.
 */
export class StreamHub {
  private readonly connections = new Set<StreamConnection>();
  private nextConnectionId = 1;
  private refusal: StreamRefusal | undefined;

  delivered = 0;
  keepAlivesSent = 0;
  connectionsTotal = 0;
  connectionsRefused = 0;

  constructor(
    private readonly store: SimulatorStore,
    private readonly options: StreamHubOptions,
  ) {}

  get openCount(): number {
    return this.connections.size;
  }

  get atCapacity(): boolean {
    return this.connections.size >= this.options.maxConnections;
  }

  /** A pending "refuse the next N connections with status S" fault, consumed one attempt at a time. */
  takeRefusal(): number | undefined {
    if (!this.refusal || this.refusal.remaining <= 0) return undefined;
    this.refusal.remaining--;
    const status = this.refusal.status;
    if (this.refusal.remaining === 0) this.refusal = undefined;
    return status;
  }

  refuseNext(count: number, status: number): void {
    this.refusal = count > 0 ? { status, remaining: count } : undefined;
  }

  /** Registers an accepted response (headers already sent) and replays backfill if asked. */
  attach(res: ServerResponse, selection: FieldSelection, backfillMinutes: number, now: number): StreamConnection {
    const connection = new StreamConnection(this.nextConnectionId++, res, selection, {
      keepAliveMs: this.options.keepAliveMs,
      slowReaderBytes: this.options.slowReaderBytes,
      onDelivered: (count) => (this.delivered += count),
      onKeepAlive: () => this.keepAlivesSent++,
      onSlowReader: (c) => this.disconnect(c, 'SlowReader'),
    });
    this.connections.add(connection);
    this.connectionsTotal++;
    res.on('close', () => {
      connection.markClosed();
      this.connections.delete(connection);
    });
    if (backfillMinutes > 0) {
      for (const tweet of this.store.tweetsSince(now - backfillMinutes * 60_000)) {
        const rules = this.store.matchingRules(tweet);
        if (rules.length > 0) connection.enqueueTweet(this.serialise(tweet, rules, selection));
      }
    }
    return connection;
  }

  /** Called for every created tweet; cheap when nobody is connected (tweets are not replayed later). */
  publish(tweet: SimTweet): void {
    if (this.connections.size === 0) return;
    const rules = this.store.matchingRules(tweet);
    if (rules.length === 0) return;
    for (const connection of this.connections) {
      connection.enqueueTweet(this.serialise(tweet, rules, connection.selection));
    }
  }

  serialise(tweet: SimTweet, rules: readonly SimRule[], selection: FieldSelection): string {
    const message: Record<string, unknown> = { data: renderTweet(tweet, selection) };
    const includes = buildIncludes([tweet], selection, this.store, undefined);
    if (includes) message['includes'] = includes;
    message['matching_rules'] = rules.map((r) => (r.tag === undefined ? { id: r.id } : { id: r.id, tag: r.tag }));
    return JSON.stringify(message);
  }

  // ---- faults -----------------------------------------------------------------------------------

  /** Closes every stream: with X's in-stream disconnect message, or abruptly when `hard`. */
  drop(options: { disconnectType?: DisconnectType; hard?: boolean } = {}): number {
    const count = this.connections.size;
    for (const connection of [...this.connections]) {
      if (options.hard) connection.close({ hard: true });
      else this.disconnect(connection, options.disconnectType ?? 'OperationalDisconnect');
    }
    return count;
  }

  stall(ms: number): number {
    for (const connection of this.connections) connection.stall(ms);
    return this.connections.size;
  }

  writeRaw(line: string): number {
    for (const connection of this.connections) connection.writeLine(line);
    return this.connections.size;
  }

  closeAll(): void {
    for (const connection of [...this.connections]) connection.close({ hard: true });
    this.connections.clear();
  }

  resetCounters(): void {
    this.delivered = 0;
    this.keepAlivesSent = 0;
    this.connectionsTotal = 0;
    this.connectionsRefused = 0;
    this.refusal = undefined;
  }

  views(): StreamConnectionView[] {
    return [...this.connections].map((c) => ({
      id: c.id,
      connectedAt: new Date(c.connectedAt).toISOString(),
      delivered: c.delivered,
      pending: c.pendingCount,
      stalled: c.isStalled,
      tweetFields: [...c.selection.tweetFields],
      userFields: [...c.selection.userFields],
      expansions: [...c.selection.expansions],
    }));
  }

  private disconnect(connection: StreamConnection, type: DisconnectType): void {
    connection.close({ finalLine: JSON.stringify(disconnectMessage(type)) });
    this.connections.delete(connection);
  }
}
