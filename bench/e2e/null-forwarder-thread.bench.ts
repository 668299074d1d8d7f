// One service of a null topology (a worker thread of bench:e2e, see null-pipeline.util.ts): the service's consumer
// groups on the same KafkaTransport adapter the apps use, raw (no EventBus, no decoding, no validation). A group that
// writes a message's next stages forwards it with only its stage mark changed. Its own thread, so each service has
// its own event loop.
import { parentPort, workerData } from 'node:worker_threads';

import { type ConsumerHandle, KafkaTransport, NamespacedTransport } from '@perch/messaging';

import { stderrLogger } from './bench-logger.util';
import { type NullService, type NullTopology, stageOf, writesOf } from './null-pipeline-topology.constants';

export interface NullForwarderData {
  brokers: string[];
  namespace: string;
  service: NullService;
  stages: NullTopology['stages'];
}

/** Worker → parent: consumer groups joined; then per handled batch, how many the group has read so far and when. */
export type NullForwarderReport = { type: 'ready' } | { type: 'read'; group: string; count: number; at: number } | { type: 'failed'; error: string };

async function run(data: NullForwarderData): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('null-forwarder must run in a worker thread');
  // The apps' setting (connectKafkaBus): every partition of a fetch handled at once.
  const kafka = new KafkaTransport({
    brokers: data.brokers,
    clientId: `perch-null-${data.service.service}`,
    partitionsConsumedConcurrently: 12,
    logger: stderrLogger(`null-${data.service.service}`),
  });
  await kafka.connect();
  const transport = new NamespacedTransport(kafka, `${data.namespace}.`);
  const handles: ConsumerHandle[] = [];
  for (const subscription of data.service.subscriptions) {
    let count = 0;
    const writes = writesOf(data.stages, subscription.group);
    handles.push(
      await transport.consume({ groupId: subscription.group, topics: [...subscription.topics], fromBeginning: true }, async (messages) => {
        const out = new Map<string, { key: string; value: string }[]>();
        for (const m of messages) {
          const stage = stageOf(m.value);
          for (const write of (stage && writes.get(stage)) || []) {
            const batch = out.get(write.topic) ?? [];
            batch.push({ key: m.key, value: write.mark + m.value.slice(1) });
            out.set(write.topic, batch);
          }
        }
        await Promise.all([...out].map(([topic, batch]) => transport.send(topic, batch)));
        count += messages.length;
        port.postMessage({ type: 'read', group: subscription.group, count, at: Date.now() } satisfies NullForwarderReport);
      }),
    );
  }
  port.postMessage({ type: 'ready' } satisfies NullForwarderReport);
  port.on('message', (message: { type: 'stop' }) => {
    if (message.type !== 'stop') return;
    void Promise.all(handles.map((h) => h.stop()))
      .then(() => kafka.disconnect())
      .finally(() => port.close());
  });
}

run(workerData as NullForwarderData).catch((error: unknown) => {
  parentPort?.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies NullForwarderReport);
});
