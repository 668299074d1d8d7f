import { type EventEnvelope, type OutboundRequestedPayload } from '@perch/contracts';
import { type Clock, systemClock } from '@perch/platform';

import { type DeferredOutboundStore, type DueOutbound } from './deferred-outbound-store.port';

/** In-process DeferredOutboundStore for the embedded mode and tests. */
export class MemoryDeferredOutboundStore implements DeferredOutboundStore {
  private readonly byCommand = new Map<string, DueOutbound>();
  /** Scope → when its pause ends (ms since epoch, by `clock`). */
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async defer(event: EventEnvelope<OutboundRequestedPayload>, dueAt: number): Promise<void> {
    this.byCommand.set(event.payload.commandId, { event: structuredClone(event), dueAt });
  }

  async due(now: number, limit: number): Promise<DueOutbound[]> {
    return [...this.byCommand.values()]
      .filter((entry) => entry.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit)
      .map((entry) => structuredClone(entry));
  }

  async remove(commandId: string, dueAt: number): Promise<void> {
    if (this.byCommand.get(commandId)?.dueAt === dueAt) this.byCommand.delete(commandId);
  }

  async pause(scope: string, forMs: number): Promise<void> {
    const until = this.clock.now() + Math.max(0, forMs);
    if (until > (this.pausedUntil.get(scope) ?? 0)) this.pausedUntil.set(scope, until);
  }

  async pausedForMs(scope: string): Promise<number> {
    const until = this.pausedUntil.get(scope);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left > 0) return left;
    this.pausedUntil.delete(scope);
    return 0;
  }
}
