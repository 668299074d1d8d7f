import { describeTokenRevocationStoreContract } from './testing/token-revocation-store.contract';
import { MemoryTokenRevocationStore } from './memory-token-revocation-store.adapter';

describeTokenRevocationStoreContract('memory', async () => {
  let now = 1_000_000;
  return {
    store: new MemoryTokenRevocationStore({ now: () => now }),
    now: () => now,
    elapse: async (ms) => {
      now += ms;
    },
    dispose: async () => undefined,
  };
});
