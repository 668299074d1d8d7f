// Raw Kafka baseline (bench:ingest): how fast raw messages go through Kafka via KafkaTransport
// alone (batched acks=all produce, eachBatch consumer group), with no JSON, validation or handlers.
// bench:e2e uses the null pipeline instead (e2e/null-pipeline.util.ts): the same topology as a tweet's path.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { KafkaTransport } from '@perch/messaging';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaPassThroughOptions {
  brokers: string[];
  messages: { key: string; value: string }[];
  partitions: number;
}

export interface KafkaPassThroughResult {
  messagesPerSecond: number;
  count: number;
  elapsedMs: number;
}

/**
 * Produces `messages` to a fresh topic, one send() call each as the EventBus publishes, and
 * consumes them with a fresh group. Times first send to last receive.
 */
export async function measureKafkaPassThrough(options: KafkaPassThroughOptions): Promise<KafkaPassThroughResult> {
  const count = options.messages.length;
  if (count === 0) return { messagesPerSecond: 0, count: 0, elapsedMs: 0 };
  const topic = `perch-bench-pass-through-${randomUUID()}`;
  const transport = new KafkaTransport({ brokers: options.brokers, clientId: 'perch-bench-pass-through' });
  await transport.connect();
  try {
    await transport.ensureTopics([{ name: topic, partitions: options.partitions }]);

    let received = 0;
    let lastReceiveAt = 0;
    let finish: () => void = () => undefined;
    const allReceived = new Promise<void>((resolve) => {
      finish = resolve;
    });
    // fromBeginning: the group exists before the first send anyway; this just rules out a race.
    const handle = await transport.consume(
      { groupId: `perch-bench-${randomUUID()}`, topics: [topic], fromBeginning: true },
      async (batch) => {
        received += batch.length;
        if (received >= count) {
          lastReceiveAt = performance.now();
          finish();
        }
      },
    );

    const startedAt = performance.now();
    const sent = Promise.all(options.messages.map((message) => transport.send(topic, [message])));
    // Generous: a stalled run should fail with a reason, not hang the benchmark.
    const timeoutMs = Math.max(60_000, count);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`pass-through timed out after ${timeoutMs} ms with ${received}/${count} received`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all([sent, allReceived]), timeout]);
    } finally {
      clearTimeout(timer);
      await handle.stop();
    }
    const elapsedMs = lastReceiveAt - startedAt;
    return { messagesPerSecond: Math.round((count / elapsedMs) * 1000), count, elapsedMs: Math.round(elapsedMs) };
  } finally {
    await transport.disconnect();
    await deleteTopic(options.brokers, topic);
  }
}

async function deleteTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'perch-bench-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } catch {
    // Best effort: a leftover bench topic costs disk, not correctness.
  } finally {
    await admin.disconnect();
  }
}

/** Messages shaped like Perch events: ~1000 conversation keys, JSON-sized values. */
export function samplePassThroughMessages(count: number, valueBytes = 400): { key: string; value: string }[] {
  const filler = 'x'.repeat(Math.max(0, valueBytes - 60));
  return Array.from({ length: count }, (_, i) => ({
    key: `conversation-${i % 1000}`,
    value: `{"seq":${i},"at":"${new Date(0).toISOString()}","text":"${filler}"}`,
  }));
}

if (require.main === module) {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const count = Number(process.env['BENCH_MESSAGES'] ?? 100_000);
  const partitions = Number(process.env['BENCH_PARTITIONS'] ?? 6);
  measureKafkaPassThrough({ brokers, messages: samplePassThroughMessages(count), partitions }).then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ benchmark: 'kafka-pass-through', partitions, ...result })}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
