// Forwarder: consume spike-in-<run> (eachBatch), produce each batch to spike-out-<run> (acks all, idempotent), commit.
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const [run, n] = [process.argv[2], +process.argv[3]];
  const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: 'spike-kjs', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); await producer.connect();
  const consumer = kafka.consumer({ groupId: `spike-kjs-${run}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 1048576 });
  await consumer.connect(); await consumer.subscribe({ topic: `spike-in-${run}`, fromBeginning: true });
  let done = 0, t0 = 0, c0;
  await new Promise((resolve) => {
    consumer.run({ partitionsConsumedConcurrently: 4, eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (t0 === 0) { t0 = performance.now(); c0 = process.cpuUsage(); }
      for (let i = 0; i < batch.messages.length; i += 500) await producer.send({ topic: `spike-out-${run}`, acks: -1, messages: batch.messages.slice(i, i + 500).map((m) => ({ key: m.key, value: m.value.toString(), headers: { 'perch-correlation': m.headers['perch-correlation'].toString() } })) });
      for (const m of batch.messages) resolveOffset(m.offset);
      done += batch.messages.length;
      if (done >= n) resolve();
    } });
  });
  const ms = performance.now() - t0, c = process.cpuUsage(c0);
  console.log(JSON.stringify({ client: 'kafkajs', n: done, msgPerSec: Math.round(done / ms * 1000), cpuUsPerMsg: +((c.user + c.system) / done).toFixed(1) }));
  await consumer.disconnect(); await producer.disconnect();
})();
