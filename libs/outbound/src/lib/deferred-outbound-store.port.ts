import { type EventEnvelope, type OutboundRequestedPayload } from '@perch/contracts';

export interface DueOutbound {
  event: EventEnvelope<OutboundRequestedPayload>;
  /** When it was due (ms since epoch): remove() takes it only if nobody deferred it again since. */
  dueAt: number;
}

/**
 * Outbound commands X cannot take yet (a spent rate-limit window, an outage), kept outside Kafka until they are
 * due, so the partition they came from goes on with every other brand's commands. Keyed by command id: deferring
 * a command again replaces its time. Contract: ../testing/deferred-outbound-store.contract.ts.
 */
export interface DeferredOutboundStore {
  defer(event: EventEnvelope<OutboundRequestedPayload>, dueAt: number): Promise<void>;
  /** Commands due by `now`, soonest first, at most `limit`; they stay until removed. */
  due(now: number, limit: number): Promise<DueOutbound[]>;
  /** Drops the command if it is still due at `dueAt` (a newer deferral of it stays). */
  remove(commandId: string, dueAt: number): Promise<void>;
  /**
   * Holds every command of `scope` (a brand's X window: brand id and endpoint family) for `forMs`, shared by the
   * replicas: after X said 429 (or remaining 0) their parallel workers defer instead of asking X again. A shorter
   * pause never cuts a longer one. Durations, not instants, so replicas' clocks need not agree.
   */
  pause(scope: string, forMs: number): Promise<void>;
  /** ms until `scope` may ask X again; 0 when it is not paused. */
  pausedForMs(scope: string): Promise<number>;
}
