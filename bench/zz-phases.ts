import { randomUUID } from 'node:crypto';
import { KafkaTransport } from '@perch/messaging';
import { samplePassThroughMessages } from '/work/main/bench/kafka-pass-through';
async function main() {
  const n = Number(process.env.N ?? 100000);
  const msgs = samplePassThroughMessages(n);
  const t = new KafkaTransport({ brokers: ['127.0.0.1:9092'], maxInFlightRequests: Number(process.env.INFLIGHT ?? 1), lingerMs: Number(process.env.LINGER ?? 2), partitionsConsumedConcurrently: Number(process.env.CONC ?? 4) , maxBatchMessages: Number(process.env.MAXB ?? 10000)});
  await t.connect();
  const topic = `perch-bench-x-${randomUUID()}`;
  await t.ensureTopics([{ name: topic, partitions: 6 }]);
  let s = Date.now();
  await Promise.all(msgs.map((m) => t.send(topic, [m])));
  const produceMs = Date.now() - s;
  s = Date.now();
  let got = 0; let done!: () => void; const p = new Promise<void>((r) => (done = r));
  const h = await t.consume({ groupId: randomUUID(), topics: [topic], fromBeginning: true }, async (b) => { got += b.length; if (got >= n) done(); });
  await p;
  const consumeMs = Date.now() - s;
  console.log({ produceMs, producePerSec: Math.round(n / produceMs * 1000), consumeMs, consumePerSec: Math.round(n / consumeMs * 1000) });
  await h.stop(); await t.disconnect();
}
main();
