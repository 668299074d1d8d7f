import { describeCorrectionStoreContract } from '../testing/correction-store.contract';
import { MemoryCorrectionStore } from './memory-correction-store.adapter';

describeCorrectionStoreContract('memory', async () => ({
  store: new MemoryCorrectionStore(),
  dispose: async () => undefined,
}));
