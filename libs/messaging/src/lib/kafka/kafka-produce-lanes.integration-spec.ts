import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { deleteTopicsWithPrefix, waitFor } from '@perch/testing';

import { CONTRACT_TOPIC_PREFIX } from '../testing/transport.contract';
import { KafkaTransport } from './kafka-transport.adapter';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((broker) => broker.length > 0);
if (brokers.length === 0) {
  throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');
}

interface LaneRun {
  p50: number;
  p99: number;
  max: number;
  /** Per topic, per key: the values in the order consumed. */
  consumed: Map<string, string[]>;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * A gateway-like process under load: agents' commands published one send() each by many concurrent callers, beside a
 * flooded topic (the outbound worker's results); each command timed from send() to ack.
 */
async function publishUnderLoad(producerLanes: number): Promise<LaneRun> {
  const transport = new KafkaTransport({ brokers, clientId: 'perch-lanes-it', producerLanes, maxWaitTimeInMs: 250 });
  await transport.connect();
  const [hot, light] = [`${CONTRACT_TOPIC_PREFIX}${randomUUID()}`, `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`];
  const consumed = new Map<string, string[]>();
  try {
    await transport.ensureTopics([
      { name: hot, partitions: 4 },
      { name: light, partitions: 4 },
    ]);
    const handle = await transport.consume({ groupId: `perch-contract-group-${randomUUID()}`, topics: [hot, light], fromBeginning: true }, async (batch) => {
      for (const message of batch) {
        const key = `${message.topic === hot ? 'hot' : 'light'}/${message.key}`;
        consumed.set(key, [...(consumed.get(key) ?? []), message.value]);
      }
    });
    const padding = 'x'.repeat(500);
    let flooding = true;
    const flood = Array.from({ length: 8 }, async (_, sender) => {
      for (let i = 0; flooding; i += 1) {
        await transport.send(hot, Array.from({ length: 20 }, (__, j) => ({ key: `s${sender}`, value: `${i * 20 + j}:${padding}` })));
      }
    });
    // Let the flood fill the pipe before timing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 60 agents each publishing a command every ~20 ms, one send() per event as the EventBus does.
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, agent) => {
        for (let i = 0; i < 40; i += 1) {
          const started = performance.now();
          await transport.send(light, [{ key: `agent-${agent}`, value: String(i) }]);
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    flooding = false;
    await Promise.all(flood);
    await waitFor('the timed publishes consumed', () => Array.from({ length: 60 }, (_, a) => consumed.get(`light/agent-${a}`)?.length ?? 0).every((n) => n === 40), 60_000);
    await handle.stop();
    const sorted = [...latencies].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0, consumed };
  } finally {
    await transport.disconnect();
  }
}

afterAll(async () => {
  await deleteTopicsWithPrefix(brokers, CONTRACT_TOPIC_PREFIX, 'perch-lanes-cleanup');
});

describe('KafkaTransport producer lanes', () => {
  it('delivers every message once and in per-key order with several producer lanes (and logs publish latency per lane count)', async () => {
    const results: Record<string, LaneRun> = {};
    for (const lanes of [1, 4]) {
      const run = await publishUnderLoad(lanes);
      results[lanes] = run;
      // The figure the ADR quotes: publish latency of a light topic beside a flooded one.
      console.info(`producerLanes ${lanes}: publish p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, max ${run.max.toFixed(1)} ms`);
      for (const [key, values] of run.consumed) {
        const numbers = values.map((value) => Number(value.split(':')[0]));
        // Idempotent producer per lane, one request in flight per lane: every message once, in send order per key.
        const step = 1;
        expect({ key, ordered: numbers.every((n, i) => i === 0 || n === (numbers[i - 1] ?? Number.NaN) + step) }).toEqual({ key, ordered: true });
      }
      expect(Array.from({ length: 60 }, (_, a) => run.consumed.get(`light/agent-${a}`)?.length)).toEqual(Array.from({ length: 60 }, () => 40));
    }
    expect(Object.keys(results)).toEqual(['1', '4']);
  }, 180_000);
});
