// The physical reference of bench:e2e: the tweet's topology of topics and consumer groups (NULL_PIPELINE_TOPOLOGY)
// with every service replaced by a bare forwarder, on the same broker and the same KafkaTransport. What it reaches
// is what Kafka and the client allow for that topology on this machine; the pipeline divided by it is what the apps keep.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { topicDefinition, type TopicName } from '@perch/contracts';
import { KafkaTransport, NamespacedTransport } from '@perch/messaging';
import { deleteNamespaceTopics } from '@perch/testing';

import { stderrLogger } from './bench-logger.util';
import type { NullForwarderData, NullForwarderReport } from './null-forwarder-thread.bench';
import { expectedMessagesByTopic, NULL_PIPELINE_SOURCE, NULL_PIPELINE_TOPOLOGY } from './null-pipeline-topology.constants';

export interface NullPipelineOptions {
  brokers: string[];
  /** Source messages (tweets) in the measured run. */
  messages: number;
  /** Value size of each message: real envelopes are 1–2 kB. */
  valueBytes: number;
  /** Messages sent through first, untimed, so every group has joined and every connection is open. */
  warmUp: number;
  timeoutMs: number;
}

export interface NullPipelineResult {
  /** Source messages per second, first produced → the endpoint group read the last one. */
  messagesPerSecond: number;
  /** The same, until every group of the topology read everything. */
  allGroupsPerSecond: number;
  messages: number;
  elapsedMs: number;
  complete: boolean;
  /** Messages each topic received per source message (the topology's fan-out). */
  messagesPerInputByTopic: Record<string, number>;
}

interface GroupProgress {
  topic: TopicName;
  endpoint: boolean;
  count: number;
  /** When the group's count reached `target` (ms since epoch). */
  reachedAt?: number;
  target: number;
}

export async function measureNullPipeline(options: NullPipelineOptions): Promise<NullPipelineResult> {
  const namespace = `bench-null-${Date.now()}`;
  const kafka = new KafkaTransport({ brokers: options.brokers, clientId: 'perch-null-ingestor', logger: stderrLogger('null-ingestor') });
  await kafka.connect();
  const source = new NamespacedTransport(kafka, `${namespace}.`);
  const topics = new Set<TopicName>([NULL_PIPELINE_SOURCE.topic]);
  for (const service of NULL_PIPELINE_TOPOLOGY) {
    for (const s of service.subscriptions) {
      topics.add(s.topic);
      for (const hop of s.forwardTo ?? []) topics.add(hop.topic);
    }
  }
  const workers: Worker[] = [];
  try {
    await source.ensureTopics([...topics].map((name) => ({ name, partitions: topicDefinition(name).partitions })));
    const groups = new Map<string, GroupProgress>();
    for (const service of NULL_PIPELINE_TOPOLOGY) {
      for (const s of service.subscriptions) groups.set(s.group, { topic: s.topic, endpoint: s.endpoint === true, count: 0, target: Number.POSITIVE_INFINITY });
    }
    let failure: string | undefined;
    await Promise.all(
      NULL_PIPELINE_TOPOLOGY.map(
        (service) =>
          new Promise<void>((resolve, reject) => {
            const data: NullForwarderData = { brokers: options.brokers, namespace, service };
            const worker = new Worker(join(__dirname, 'null-forwarder-thread.bench.js'), { workerData: data });
            workers.push(worker);
            worker.on('message', (report: NullForwarderReport) => {
              if (report.type === 'ready') resolve();
              else if (report.type === 'failed') {
                failure = report.error;
                reject(new Error(`null forwarder ${service.service}: ${report.error}`));
              } else {
                const progress = groups.get(report.group);
                if (!progress) return;
                progress.count = report.count;
                if (progress.reachedAt === undefined && progress.count >= progress.target) progress.reachedAt = report.at;
              }
            });
            worker.on('error', reject);
          }),
      ),
    );

    const value = JSON.stringify({ kind: 'null-pipeline', pad: 'x'.repeat(Math.max(0, options.valueBytes - 40)) });
    let sent = 0;
    const play = async (count: number, timeoutMs: number): Promise<{ startedAt: number; complete: boolean }> => {
      const expected = expectedMessagesByTopic(count);
      for (const progress of groups.values()) {
        progress.target = progress.count + (expected.get(progress.topic) ?? 0);
        progress.reachedAt = undefined;
      }
      const startedAt = Date.now();
      // One send() per message, as the ingestor publishes each tweet; the transport batches them (linger).
      const sends = Array.from({ length: count }, (_, i) => source.send(NULL_PIPELINE_SOURCE.topic, [{ key: `100:${sent + i}`, value }]));
      sent += count;
      await Promise.all(sends);
      const deadline = startedAt + timeoutMs;
      while (Date.now() < deadline && failure === undefined) {
        if ([...groups.values()].every((g) => g.reachedAt !== undefined)) return { startedAt, complete: true };
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { startedAt, complete: false };
    };

    await play(options.warmUp, options.timeoutMs);
    const run = await play(options.messages, options.timeoutMs);
    const endpoint = [...groups.values()].find((g) => g.endpoint);
    const endpointAt = endpoint?.reachedAt ?? Date.now();
    const allAt = Math.max(...[...groups.values()].map((g) => g.reachedAt ?? Date.now()));
    const expected = expectedMessagesByTopic(1);
    return {
      messagesPerSecond: Math.round((options.messages * 1000) / Math.max(1, endpointAt - run.startedAt)),
      allGroupsPerSecond: Math.round((options.messages * 1000) / Math.max(1, allAt - run.startedAt)),
      messages: options.messages,
      elapsedMs: endpointAt - run.startedAt,
      complete: run.complete,
      messagesPerInputByTopic: Object.fromEntries(expected),
    };
  } finally {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 15_000);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            worker.postMessage({ type: 'stop' });
          }),
      ),
    );
    await kafka.disconnect();
    await deleteNamespaceTopics(options.brokers, namespace);
  }
}

