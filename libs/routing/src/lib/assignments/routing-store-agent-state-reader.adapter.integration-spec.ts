import { describeAgentStateReaderContract } from '../testing/agent-state-reader.contract';
import { redisReaderHarness } from '../testing/redis-reader-harness.fixtures';
import { redisAgentStateReader } from './routing-store-agent-state-reader.adapter';

describeAgentStateReaderContract('redisAgentStateReader', redisReaderHarness('agent-states', redisAgentStateReader));
