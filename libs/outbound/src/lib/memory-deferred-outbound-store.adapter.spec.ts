import { describeDeferredOutboundStoreContract } from './testing/deferred-outbound-store.contract';
import { MemoryDeferredOutboundStore } from './memory-deferred-outbound-store.adapter';

describeDeferredOutboundStoreContract('memory', () => new MemoryDeferredOutboundStore());
