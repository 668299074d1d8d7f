// The physical references of bench:e2e: a tweet's topology of topics and consumer groups (the pipeline's, or the
// handled loop's: null-pipeline-topology.constants.ts) with every service replaced by a bare forwarder, on the same
// broker and the same KafkaTransport. What it reaches is what Kafka and the client allow for that topology on this
// machine, and the CPU it takes per tweet is the floor any design with those hops pays; the apps' figures divided by
// it are what the apps keep.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { topicDefinition, type TopicName } from '@perch/contracts';
import { KafkaTransport, NamespacedTransport } from '@perch/messaging';
import { deleteNamespaceTopics } from '@perch/testing';

import { stderrLogger } from './bench-logger.util';
import type { NullForwarderData, NullForwarderReport } from './null-forwarder-thread.bench';
import { type NullTopology, producedPerSource, readsPerSource, stageMark } from './null-pipeline-topology.constants';
import { cpuBetween, snapshot, type UsageSource } from './process-usage.util';

export interface NullPipelineOptions {
  brokers: string[];
  /** Source messages (tweets) in the measured run. */
  messages: number;
  /** Value size of each message: real envelopes are 1–2 kB. */
  valueBytes: number;
  /** Messages sent through first, untimed, so every group has joined and every connection is open. */
  warmUp: number;
  timeoutMs: number;
  /** Whose CPU the timed run is charged with (the broker and this process, whose worker threads are the forwarders). */
  cpuSources?: readonly UsageSource[];
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
  /** Messages produced and delivered (group reads) per source message. */
  producedPerInput: number;
  deliveredPerInput: number;
  /** CPU ms per source message of the timed run, by source, and their sum. */
  cpuMsPerInputBySource: Record<string, number>;
  cpuMsPerInput: number;
}

interface GroupProgress {
  /** Messages the group reads per source message. */
  perInput: number;
  endpoint: boolean;
  count: number;
  /** When the group's count reached `target` (ms since epoch). */
  reachedAt?: number;
  target: number;
}

export async function measureNullTopology(topology: NullTopology, options: NullPipelineOptions): Promise<NullPipelineResult> {
  const namespace = `bench-null-${topology.name}-${Date.now()}`;
  const kafka = new KafkaTransport({ brokers: options.brokers, clientId: 'perch-null-ingestor', logger: stderrLogger('null-ingestor') });
  await kafka.connect();
  const source = new NamespacedTransport(kafka, `${namespace}.`);
  const produced = producedPerSource(topology);
  const reads = readsPerSource(topology);
  const topics = new Set<TopicName>(produced.keys());
  for (const service of topology.services) for (const s of service.subscriptions) for (const topic of s.topics) topics.add(topic);
  const sourceTopic = topology.stages[topology.source]?.topic;
  if (!sourceTopic) throw new Error(`the ${topology.name} topology's source stage has no topic`);
  const workers: Worker[] = [];
  try {
    await source.ensureTopics([...topics].map((name) => ({ name, partitions: topicDefinition(name).partitions })));
    const groups = new Map<string, GroupProgress>();
    for (const service of topology.services) {
      for (const s of service.subscriptions) {
        groups.set(s.group, { perInput: reads.get(s.group) ?? 0, endpoint: s.endpoint === true, count: 0, target: Number.POSITIVE_INFINITY });
      }
    }
    let failure: string | undefined;
    await Promise.all(
      topology.services.map(
        (service) =>
          new Promise<void>((resolve, reject) => {
            const data: NullForwarderData = { brokers: options.brokers, namespace, service, stages: topology.stages };
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

    const value = stageMark(topology.source) + JSON.stringify({ kind: 'null-pipeline', pad: 'x'.repeat(Math.max(0, options.valueBytes - 41)) });
    let sent = 0;
    const play = async (count: number, timeoutMs: number): Promise<{ startedAt: number; complete: boolean }> => {
      for (const progress of groups.values()) {
        progress.target = progress.count + count * progress.perInput;
        progress.reachedAt = undefined;
      }
      const startedAt = Date.now();
      // One send() per message, as the ingestor publishes each tweet; the transport batches them (linger).
      const sends = Array.from({ length: count }, (_, i) => source.send(sourceTopic, [{ key: `100:${sent + i}`, value }]));
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
    const cpuSources = options.cpuSources ?? [];
    const cpuBefore = await snapshot(cpuSources);
    const run = await play(options.messages, options.timeoutMs);
    const cpu = cpuBetween(cpuBefore, await snapshot(cpuSources));
    const endpoint = [...groups.values()].find((g) => g.endpoint);
    const endpointAt = endpoint?.reachedAt ?? Date.now();
    const allAt = Math.max(...[...groups.values()].map((g) => g.reachedAt ?? Date.now()));
    const perInput = (ms: number): number => Math.round((ms * 1000) / Math.max(1, options.messages)) / 1000;
    return {
      messagesPerSecond: Math.round((options.messages * 1000) / Math.max(1, endpointAt - run.startedAt)),
      allGroupsPerSecond: Math.round((options.messages * 1000) / Math.max(1, allAt - run.startedAt)),
      messages: options.messages,
      elapsedMs: endpointAt - run.startedAt,
      complete: run.complete,
      messagesPerInputByTopic: Object.fromEntries(produced),
      producedPerInput: [...produced.values()].reduce((a, b) => a + b, 0),
      deliveredPerInput: [...reads.values()].reduce((a, b) => a + b, 0),
      cpuMsPerInputBySource: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, perInput(ms)])),
      cpuMsPerInput: perInput(Object.values(cpu).reduce((a, b) => a + b, 0)),
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

