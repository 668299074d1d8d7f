import { describeRoutingDispatchPropertyContract } from '../../testing/routing-dispatch-property.contract';
import { describeRoutingOutboxContract } from '../../testing/routing-outbox.contract';
import { describeRoutingSkillsAndStickyContract } from '../../testing/routing-skills-sticky.contract';
import { describeRoutingStoreContract, type RoutingStoreFactory } from '../../testing/routing-store.contract';
import { MemoryRoutingStore } from './memory-routing-store.adapter';

const factory: RoutingStoreFactory = async (options) => ({
  store: new MemoryRoutingStore('contract', options),
  dispose: async () => undefined,
});

describeRoutingStoreContract('MemoryRoutingStore', factory);
describeRoutingOutboxContract('MemoryRoutingStore', factory);
describeRoutingSkillsAndStickyContract('MemoryRoutingStore', factory);
describeRoutingDispatchPropertyContract('MemoryRoutingStore', factory, { numRuns: 500, maxSteps: 60 });
