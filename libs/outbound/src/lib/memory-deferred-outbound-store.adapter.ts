import { type EventEnvelope, type OutboundRequestedPayload } from '@perch/contracts';

import { type DeferredOutboundStore, type DueOutbound } from './deferred-outbound-store.port';

/** In-process DeferredOutboundStore for the embedded mode and tests. */
export class MemoryDeferredOutboundStore implements DeferredOutboundStore {
  private readonly byCommand = new Map<string, DueOutbound>();

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
}
