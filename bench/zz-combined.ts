import { randomUUID } from 'node:crypto';
import { KafkaTransport } from '@perch/messaging';
import { samplePassThroughMessages } from '/work/main/bench/kafka-pass-through';
async function main() {
  const n = Number(process.env.N ?? 100000);
  const msgs = samplePassThroughMessages(n);
  const t = new KafkaTransport({ brokers: ['127.0.0.1:9092'], maxInFlightRequests: Number(process.env.INFLIGHT ?? 1), partitionsConsumedConcurrently: Number(process.env.CONC ?? 4), maxWaitTimeInMs: Number(process.env.MAXWAIT ?? 1000), maxBatchBytes: Number(process.env.MAXBYTES ?? 900000), lingerMs: Number(process.env.LINGER ?? 2) });
  await t.connect();
  const topic = `perch-bench-x-${randomUUID()}`;
  await t.ensureTopics([{ name: topic, partitions: Number(process.env.P ?? 6) }]);
  let got = 0; let batches = 0; let done!: () => void; const p = new Promise<void>((r) => (done = r));
  const h = await t.consume({ groupId: randomUUID(), topics: [topic], fromBeginning: true }, async (b) => { batches++; got += b.length; if (got >= n) done(); });
  const s = Date.now();
  let producedAt = 0;
  void Promise.all(msgs.map((m) => t.send(topic, [m]))).then(() => (producedAt = Date.now() - s));
  const cpu0 = process.cpuUsage();
  await p;
  const ms = Date.now() - s;
  const cpu = process.cpuUsage(cpu0);
  console.log({ ms, perSec: Math.round(n / ms * 1000), producedAt, batches, avgBatch: Math.round(n / batches), nodeCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
  await h.stop(); await t.disconnect();
}
main();
