import { describeRoutingStoreContract } from '../../testing/routing-store.contract';
import { MemoryRoutingStore } from './memory-routing-store.adapter';

describeRoutingStoreContract('MemoryRoutingStore', async () => ({
  store: new MemoryRoutingStore('contract'),
  dispose: async () => undefined,
}));
