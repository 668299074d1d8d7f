import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { describeAgentStateReaderContract } from '../testing/agent-state-reader.contract';
import { RoutingStoreAgentStateReader } from './routing-store-agent-state-reader.adapter';

describeAgentStateReaderContract('RoutingStoreAgentStateReader on MemoryRoutingStore', async (options) => {
  const store = new MemoryRoutingStore('agent-states', options);
  return { reader: new RoutingStoreAgentStateReader(store), store, dispose: async () => undefined };
});
