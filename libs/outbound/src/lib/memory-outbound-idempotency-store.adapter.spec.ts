import { describeOutboundIdempotencyStoreContract } from './testing/outbound-idempotency-store.contract';
import { MemoryOutboundIdempotencyStore } from './memory-outbound-idempotency-store.adapter';

describeOutboundIdempotencyStoreContract('memory', async () => {
  let now = 1_000_000;
  return {
    store: new MemoryOutboundIdempotencyStore({ now: () => now }),
    elapse: async (ms) => {
      now += ms;
    },
    dispose: async () => undefined,
  };
});
