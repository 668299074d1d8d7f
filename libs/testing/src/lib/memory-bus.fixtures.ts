import { type EventBus, MemoryTransport, startEventBus } from '@perch/messaging';
import { createLogger } from '@perch/platform';

/** An EventBus on the in-memory transport and the way to stop both. */
export interface MemoryBus {
  bus: EventBus;
  stop(): Promise<void>;
}

/**
 * The bus a spec runs a Nest module on in-process: the memory transport, with redeliveries and retries a few
 * ms apart so a spec that makes a handler fail does not wait for production backoffs.
 */
export async function startMemoryBus(producer: string, options: { keyConcurrency?: number } = {}): Promise<MemoryBus> {
  const transport = new MemoryTransport({ redeliveryBackoffMs: 5, maxRedeliveryBackoffMs: 50 });
  const bus = await startEventBus(transport, { producer, logger: createLogger(`${producer}-spec`), retryDelayMs: () => 10, ...options });
  return {
    bus,
    stop: async () => {
      await bus.stop();
      await transport.disconnect();
    },
  };
}
