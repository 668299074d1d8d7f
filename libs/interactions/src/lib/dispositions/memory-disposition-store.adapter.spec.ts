import { describeDispositionStoreContract } from '../testing/disposition-store.contract';
import { MemoryDispositionStore } from './memory-disposition-store.adapter';

describeDispositionStoreContract('memory', async () => ({ store: new MemoryDispositionStore(), dispose: async () => undefined }));
