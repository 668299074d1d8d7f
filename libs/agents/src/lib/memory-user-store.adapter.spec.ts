import { MemoryUserStore } from './memory-user-store.adapter';
import { describeUserStoreContract } from './testing/user-store.contract';

describeUserStoreContract('memory', async () => ({ store: new MemoryUserStore(), dispose: async () => undefined }));
