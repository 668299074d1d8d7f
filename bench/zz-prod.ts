import { randomUUID } from 'node:crypto';
import { KafkaTransport } from '@perch/messaging';
import { samplePassThroughMessages } from '/work/main/bench/kafka-pass-through';
async function main() {
  const n = 100000;
  const msgs = samplePassThroughMessages(n);
  const t = new KafkaTransport({ brokers: ['127.0.0.1:9092'] });
  await t.connect();
  const topic = `perch-bench-x-${randomUUID()}`;
  await t.ensureTopics([{ name: topic, partitions: 6 }]);
  const cpu0 = process.cpuUsage(); const s = Date.now();
  await Promise.all(msgs.map((m) => t.send(topic, [m])));
  const cpu = process.cpuUsage(cpu0);
  console.log({ ms: Date.now() - s, cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
  await t.disconnect();
}
main();
