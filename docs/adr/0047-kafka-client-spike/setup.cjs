// Creates in/out topics for one run and fills `in` with N messages of ~1.5 kB (JSON-like), keyed over 256 keys.
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const [run, n] = [process.argv[2], +process.argv[3]];
  const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'spike-setup', logLevel: logLevel.NOTHING });
  const admin = kafka.admin(); await admin.connect();
  await admin.createTopics({ topics: [{ topic: `spike-in-${run}`, numPartitions: 4 }, { topic: `spike-out-${run}`, numPartitions: 4 }], waitForLeaders: true });
  const p = kafka.producer(); await p.connect();
  const body = JSON.stringify({ payload: 'x'.repeat(1400) });
  for (let i = 0; i < n; i += 1000) {
    await p.send({ topic: `spike-in-${run}`, acks: -1, messages: Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ key: `k${(i + j) % 256}`, value: body.replace('"x', `"${i + j}x`), headers: { 'perch-correlation': `c${i + j}` } })) });
  }
  await p.disconnect(); await admin.disconnect();
})();
