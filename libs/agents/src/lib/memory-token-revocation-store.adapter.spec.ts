import { describeTokenRevocationStoreContract, fakeClockHarness } from './testing/token-revocation-store.contract';
import { MemoryTokenRevocationStore } from './memory-token-revocation-store.adapter';

describeTokenRevocationStoreContract('memory', () =>
  fakeClockHarness(1_000_000, async (clock) => ({ store: new MemoryTokenRevocationStore(clock), dispose: async () => undefined })),
);
