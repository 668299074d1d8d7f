// Readiness probe for start.sh: one attempt, exits 0 when kafkajs can use the broker.
// Plain CommonJS so it runs without a TypeScript build; kafkajs comes from the repo's node_modules.
'use strict';
const path = require('node:path');
const { Kafka, logLevel } = require(require.resolve('kafkajs', { paths: [path.resolve(__dirname, '../..')] }));

const TOPIC = '__perch_ready';

async function main() {
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const kafka = new Kafka({
    clientId: 'perch-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 2, initialRetryTime: 200 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    if (!topics[0] || topics[0].partitions.some((p) => p.leader < 0)) throw new Error(`${TOPIC} has no leader yet`);
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'probe', value: String(Date.now()) }] });
    // Finding a coordinator creates __consumer_offsets; retried by kafkajs until it has a leader.
    await admin.fetchOffsets({ groupId: 'perch-kafka-probe', topics: [TOPIC] });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
