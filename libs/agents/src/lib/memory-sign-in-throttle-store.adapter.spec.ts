import { describeSignInThrottleStoreContract } from './testing/sign-in-throttle-store.contract';
import { MemorySignInThrottleStore } from './memory-sign-in-throttle-store.adapter';

describeSignInThrottleStoreContract('memory', async () => {
  let now = 1_000_000;
  return {
    store: new MemorySignInThrottleStore({ now: () => now }),
    elapse: async (ms) => {
      now += ms;
    },
    dispose: async () => undefined,
  };
});
