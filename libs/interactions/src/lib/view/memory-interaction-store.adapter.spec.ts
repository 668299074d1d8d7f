import { describeInteractionStoreContract } from '../testing/interaction-store.contract';
import { MemoryInteractionStore } from './memory-interaction-store.adapter';

describeInteractionStoreContract('memory', async () => ({
  store: new MemoryInteractionStore(),
  dispose: async () => undefined,
}));
