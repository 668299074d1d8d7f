// Forwarder: consume spike-in-<run> (stream), produce what arrived in one send per turn (acks all, idempotent), commit.
import { Consumer, Producer, stringSerializers, stringDeserializers, ProduceAcks } from '@platformatic/kafka';
const [run, n] = [process.argv[2], +process.argv[3]];
const producer = new Producer({ clientId: 'spike-pf', bootstrapBrokers: ['127.0.0.1:9092'], serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
const consumer = new Consumer({ clientId: 'spike-pf', groupId: `spike-pf-${run}`, bootstrapBrokers: ['127.0.0.1:9092'], deserializers: stringDeserializers, maxWaitTime: 100 });
const stream = await consumer.consume({ topics: [`spike-in-${run}`], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
let done = 0, t0 = 0, c0, pending = [], inFlight = false;
let finish; const finished = new Promise((r) => (finish = r));
async function flush() {
  if (inFlight || pending.length === 0) return;
  inFlight = true;
  const batch = pending.slice(0, 500); pending = pending.slice(500);
  await producer.send({ messages: batch.map((m) => ({ topic: `spike-out-${run}`, key: m.key, value: m.value, headers: m.headers })) });
  await consumer.commit({ offsets: latestOffsets(batch) });
  done += batch.length; inFlight = false;
  if (done >= n) finish(); else if (pending.length > 0) flush();
}
function latestOffsets(batch) {
  const by = new Map();
  for (const m of batch) by.set(`${m.topic}:${m.partition}`, { topic: m.topic, partition: m.partition, offset: m.offset, leaderEpoch: 0 });
  return [...by.values()];
}
stream.on('data', (m) => {
  if (t0 === 0) { t0 = performance.now(); c0 = process.cpuUsage(); }
  pending.push(m);
  if (pending.length === 1) setImmediate(flush);
});
await finished;
const ms = performance.now() - t0, c = process.cpuUsage(c0);
console.log(JSON.stringify({ client: '@platformatic/kafka', n: done, msgPerSec: Math.round(done / ms * 1000), cpuUsPerMsg: +((c.user + c.system) / done).toFixed(1) }));
await stream.close(); await consumer.close(); await producer.close();
