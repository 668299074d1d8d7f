import { describeAssignmentReaderContract } from '../testing/assignment-reader.contract';
import { redisReaderHarness } from '../testing/redis-reader-harness.fixtures';
import { redisAssignmentReader } from './routing-store-assignment-reader.adapter';

describeAssignmentReaderContract('redisAssignmentReader', redisReaderHarness('assignments', redisAssignmentReader));
