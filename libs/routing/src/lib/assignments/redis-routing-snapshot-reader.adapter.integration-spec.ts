import { redisReaderHarness } from '../testing/redis-reader-harness.fixtures';
import { describeRoutingSnapshotReaderContract } from '../testing/routing-snapshot-reader.contract';
import { redisRoutingSnapshotReader } from './redis-routing-snapshot-reader.adapter';

describeRoutingSnapshotReaderContract('redisRoutingSnapshotReader', redisReaderHarness('snapshots', redisRoutingSnapshotReader));
