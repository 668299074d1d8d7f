import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { describeAssignmentReaderContract } from '../testing/assignment-reader.contract';
import { RoutingStoreAssignmentReader } from './routing-store-assignment-reader.adapter';

describeAssignmentReaderContract('RoutingStoreAssignmentReader on MemoryRoutingStore', async () => {
  const store = new MemoryRoutingStore('assignments');
  return { reader: new RoutingStoreAssignmentReader(store), store, dispose: async () => undefined };
});
