// One service of the null pipeline (a worker thread of bench:e2e, see null-pipeline.util.ts): the service's consumer
// groups on the same KafkaTransport adapter the apps use, raw (no EventBus, no decoding, no validation), each message
// forwarded as it is to the next topics of the chain. Its own thread, so each service has its own event loop.
import { parentPort, workerData } from 'node:worker_threads';

import { type ConsumerHandle, KafkaTransport, NamespacedTransport } from '@perch/messaging';

import { stderrLogger } from './bench-logger.util';
import type { NullService } from './null-pipeline-topology.constants';

export interface NullForwarderData {
  brokers: string[];
  namespace: string;
  service: NullService;
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
    handles.push(
      await transport.consume({ groupId: subscription.group, topics: [subscription.topic], fromBeginning: true }, async (messages) => {
        for (const hop of subscription.forwardTo ?? []) {
          const out = messages.flatMap((m) => Array.from({ length: hop.perInput }, () => ({ key: m.key, value: m.value })));
          await transport.send(hop.topic, out);
        }
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
