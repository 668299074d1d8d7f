import { describeLeaderLeaseContract } from '../testing/leader-lease.contract';
import { MemoryLeaderLease } from './memory-leader-lease.adapter';

describeLeaderLeaseContract('memory', () => new MemoryLeaderLease());
