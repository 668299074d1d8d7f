import { randomUUID } from 'node:crypto';

import { deleteTopicsWithPrefix, waitFor } from '@perch/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import { CONTRACT_TOPIC_PREFIX, describeTransportContract } from '../testing/transport.contract';
import { KafkaTransport, type KafkaTransportOptions } from './kafka-transport.adapter';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((broker) => broker.length > 0);
if (brokers.length === 0) {
  throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');
}

// Short timings keep rebalances and stop() quick on a test broker; production keeps the defaults.
const testOptions: KafkaTransportOptions = {
  brokers,
  clientId: 'perch-contract',
  heartbeatInterval: 500,
  sessionTimeout: 10_000,
  maxWaitTimeInMs: 250,
  redeliveryBackoffMs: 50,
  maxRedeliveryBackoffMs: 1_000,
};

describeTransportContract('kafka', () => new KafkaTransport(testOptions), { waitTimeoutMs: 30_000 });

afterAll(async () => {
  // Contract topics are unique per test: delete them so the test broker does not pile them up.
  await deleteTopicsWithPrefix(brokers, CONTRACT_TOPIC_PREFIX, 'perch-contract-cleanup');
});

describe('KafkaTransport', () => {
  it('keeps its group membership while a handler runs longer than the session timeout', async () => {
    // 6 s is the broker's minimum session timeout; the handler outlives it by half again.
    const transport = new KafkaTransport({ ...testOptions, sessionTimeout: 6_000, heartbeatInterval: 1_000 });
    await transport.connect();
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const appearances = new Map<string, number>();
    try {
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      const handle = await transport.consume(
        { groupId: `perch-contract-group-${randomUUID()}`, topics: [topic], fromBeginning: true },
        async (batch) => {
          for (const message of batch) appearances.set(message.value, (appearances.get(message.value) ?? 0) + 1);
          // Simulated slow work (an X API call behind a rate limit): the subject, not an assertion.
          if (batch.some((message) => message.value === 'slow')) await new Promise((resolve) => setTimeout(resolve, 9_000));
        },
      );
      await transport.send(topic, [{ key: 'k', value: 'slow' }]);
      await waitFor('the slow message', () => appearances.has('slow'), 20_000);
      await transport.send(topic, [{ key: 'k', value: 'next' }]);
      await waitFor('the next message', () => appearances.has('next'), 30_000);
      await handle.stop();
      // Had the member been evicted, its commit would have failed and "slow" would come back.
      expect(appearances.get('slow')).toBe(1);
      expect(appearances.get('next')).toBe(1);
    } finally {
      await transport.disconnect();
    }
  });

  it('arms no request-queue timer while connected and idle (kafkajs patched, ADR 46)', async () => {
    const transport = new KafkaTransport(testOptions);
    await transport.connect();
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const seen: string[] = [];
    let armedByRequestQueue = 0;
    const realSetTimeout = global.setTimeout;
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      const handle = await transport.consume({ groupId: `perch-contract-group-${randomUUID()}`, topics: [topic], fromBeginning: true }, async (batch) => {
        for (const message of batch) seen.push(message.value);
      });
      await transport.send(topic, [{ key: 'k', value: 'one' }]);
      await waitFor('the message', () => seen.length === 1, 30_000);
      // Counts the timers kafkajs' request queues arm from here on: producer, consumer and admin connections, idle.
      spy.mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        if (new Error().stack?.includes('requestQueue')) armedByRequestQueue += 1;
        return realSetTimeout(callback, ms, ...args);
      }) as typeof setTimeout);
      await new Promise((resolve) => realSetTimeout(resolve, 2_000));
      await handle.stop();
      // Unpatched, every connection that had a request answered re-armed a 1 ms timer for as long as it lived: about
      // a thousand a second each, with nothing to send.
      expect(armedByRequestQueue).toBe(0);
      expect(seen).toEqual(['one']);
    } finally {
      spy.mockRestore();
      await transport.disconnect();
    }
  });

  it('sends a message to an idle producer lane without waiting out the linger, and holds one that follows a request within it (ADR 50)', async () => {
    // A linger long enough that waiting it out or not cannot be confused with the broker's round trip.
    const lingerMs = 3_000;
    const transport = new KafkaTransport({ ...testOptions, lingerMs, producerLanes: 1 });
    await transport.connect();
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    try {
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      await new Promise((resolve) => setTimeout(resolve, lingerMs));
      const idleStart = Date.now();
      await transport.send(topic, [{ key: 'k', value: 'to an idle lane' }]);
      const idleMs = Date.now() - idleStart;
      const busyStart = Date.now();
      await transport.send(topic, [{ key: 'k', value: 'right after a request' }]);
      const busyMs = Date.now() - busyStart;
      expect(idleMs).toBeLessThan(lingerMs);
      expect(busyMs).toBeGreaterThanOrEqual(lingerMs - 50);
      const admin = new Kafka({ brokers, clientId: 'perch-contract-linger', logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const [end] = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      expect(end?.high).toBe('2');
    } finally {
      await transport.disconnect();
    }
  });

  it('publishes through the idempotent producer: every message arrives exactly once and in order', async () => {
    const transport = new KafkaTransport(testOptions);
    await transport.connect();
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const seen: string[] = [];
    try {
      await transport.ensureTopics([{ name: topic, partitions: 2 }]);
      const handle = await transport.consume({ groupId: `perch-contract-group-${randomUUID()}`, topics: [topic], fromBeginning: true }, async (batch) => {
        for (const message of batch) if (message.key === 'one-key') seen.push(message.value);
      });
      const values = Array.from({ length: 200 }, (_, i) => `m${i}`);
      // Concurrent sends go through kafkajs' per-broker lock that idempotence needs; none may be lost or doubled.
      await Promise.all(values.map((value) => transport.send(topic, [{ key: 'one-key', value }])));
      await waitFor('every message', () => seen.length >= values.length, 30_000);
      await handle.stop();
      expect(seen).toEqual(values);
    } finally {
      await transport.disconnect();
    }
  });

  it('brings at most its fetch limits of a backlog at once, and still a message larger than both (ADR 42)', async () => {
    // One backlog read twice: with kafkajs' own limits (10 MB a fetch, 1 MB a partition) and with small ones.
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const producer = new KafkaTransport(testOptions);
    await producer.connect();
    const values = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(996)}`);
    const large = `large${'y'.repeat(19_995)}`;
    try {
      await producer.ensureTopics([{ name: topic, partitions: 1 }]);
      // One send at a time: each message its own record batch, as a trickle of tweets would be.
      for (const [i, value] of values.entries()) {
        await producer.send(topic, [{ key: 'k', value }]);
        if (i === 30) await producer.send(topic, [{ key: 'k', value: large }]);
      }
    } finally {
      await producer.disconnect();
    }
    const expected = [...values.slice(0, 31), large, ...values.slice(31)];

    async function batchesOf(limits: Pick<KafkaTransportOptions, 'fetchMaxBytes' | 'fetchMaxBytesPerPartition'>): Promise<string[][]> {
      const transport = new KafkaTransport({ ...testOptions, ...limits });
      await transport.connect();
      const batches: string[][] = [];
      try {
        const handle = await transport.consume({ groupId: `perch-contract-group-${randomUUID()}`, topics: [topic], fromBeginning: true }, async (batch) => {
          batches.push(batch.map((message) => message.value));
        });
        await waitFor('the whole backlog', () => batches.flat().length >= expected.length, 30_000);
        await handle.stop();
        return batches;
      } finally {
        await transport.disconnect();
      }
    }
    const wide = await batchesOf({ fetchMaxBytes: 10_485_760, fetchMaxBytesPerPartition: 1_048_576 });
    const narrow = await batchesOf({ fetchMaxBytes: 8_192, fetchMaxBytesPerPartition: 4_096 });
    // Everything, once, in order, either way.
    expect(wide.flat()).toEqual(expected);
    expect(narrow.flat()).toEqual(expected);
    // kafkajs' limits bring the 81 kB backlog in a batch or two; 4 kB a partition brings at most four 1 kB messages
    // at once (three with the records' own bytes), and the 20 kB message alone, though larger than either limit.
    expect(wide.length).toBeLessThanOrEqual(2);
    const smallBatches = narrow.filter((batch) => !batch.includes(large));
    expect(Math.max(...smallBatches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
    expect(narrow.length).toBeGreaterThanOrEqual(15);
    expect(narrow.find((batch) => batch.includes(large))).toEqual([large]);
  });

  it('commits handled offsets on an interval rather than after every batch, and everything handled on stop', async () => {
    // A trickle (one message every 10 ms, about one batch each): the load where per-batch commits cost the most.
    async function commitsPerMessage(settings: Pick<KafkaTransportOptions, 'commitIntervalMs' | 'autoCommitThreshold'>): Promise<{ perMessage: number; committed: string | undefined }> {
      const transport = new KafkaTransport({ ...testOptions, ...settings });
      await transport.connect();
      const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
      const groupId = `perch-contract-group-${randomUUID()}`;
      let handled = 0;
      try {
        await transport.ensureTopics([{ name: topic, partitions: 1 }]);
        const handle = await transport.consume({ groupId, topics: [topic], fromBeginning: true }, async (batch) => void (handled += batch.length));
        const before = transport.consumerStats.commits;
        for (let i = 0; i < 150; i += 1) {
          await transport.send(topic, [{ key: 'k', value: `m${i}` }]);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await waitFor('every message handled', () => handled >= 150, 30_000);
        await handle.stop();
        const perMessage = (transport.consumerStats.commits - before) / handled;
        const [position] = await transport.positions(groupId, topic);
        console.info(`${JSON.stringify(settings)}: ${perMessage.toFixed(3)} commits per message, ${transport.consumerStats.delivered} delivered`);
        return { perMessage, committed: position?.committed };
      } finally {
        await transport.disconnect();
      }
    }
    // A threshold of 1 commits whenever a batch ends: what kafkajs' autoCommit did (after every batch).
    const perBatch = await commitsPerMessage({ autoCommitThreshold: 1 });
    const batched = await commitsPerMessage({ commitIntervalMs: 1_000 });
    expect(perBatch.committed).toBe('150');
    expect(batched.committed).toBe('150');
    expect(batched.perMessage).toBeLessThan(perBatch.perMessage / 5);
  });

  it('creates topics with the configured replication factor and min.insync.replicas', async () => {
    // One test broker: RF 1; min.insync.replicas 2 is accepted at creation (it would only refuse acks=all writes).
    const transport = new KafkaTransport({ ...testOptions, replicationFactor: 1, minInsyncReplicas: 2 });
    await transport.connect();
    const topic = `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const admin = new Kafka({ clientId: 'perch-contract-inspect', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      });
      const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
      expect(entry?.configValue).toBe('2');
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]?.partitions[0]?.replicas).toHaveLength(1);
    } finally {
      await admin.disconnect();
      await transport.disconnect();
    }
  });
});
