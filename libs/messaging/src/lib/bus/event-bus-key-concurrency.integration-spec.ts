import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, Topics } from '@perch/contracts';
import { createLogger } from '@perch/platform';
import { deleteTopicsWithPrefix, waitFor } from '@perch/testing';

import { KafkaTransport } from '../kafka/kafka-transport.adapter';
import { type EventBus } from './event-bus.domain';
import { withNamespace } from './namespaced-transport.adapter';
import { startEventBus } from './start-event-bus.util';

const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((broker) => broker.length > 0);
if (brokers.length === 0) {
  throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');
}

const AGENTS = 40;
const EVENTS_PER_AGENT = 5;

// ADR 36 on the real broker: a bus with few keys in flight per partition (BUS_KEY_CONCURRENCY) holds to it across the
// partitions kafkajs reads at once, keeps each key's order, and a subscription's own keyConcurrency goes past it.
describe('keys in flight per partition, on Kafka', () => {
  const namespace = `it-keys-${randomUUID().slice(0, 8)}`;
  const kafka = new KafkaTransport({ brokers, clientId: 'it-bus-keys', heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 250 });
  let bus: EventBus;

  beforeAll(async () => {
    bus = await startEventBus(withNamespace(kafka, namespace), { producer: 'it-keys', logger: createLogger('it-bus-keys'), keyConcurrency: 2 });
  });

  afterAll(async () => {
    await bus?.stop();
    await kafka.disconnect();
    await deleteTopicsWithPrefix(brokers, `${namespace}.`, 'it-bus-keys-cleanup');
  });

  /** Subscribes a slow handler, publishes AGENTS × EVENTS_PER_AGENT commands, and reports the most in flight per partition. */
  async function run(group: string, keyConcurrency?: number): Promise<{ peakPerPartition: number; inOrder: boolean; handled: number }> {
    const inFlight = new Map<number, number>();
    let peakPerPartition = 0;
    const seen = new Map<string, number[]>();
    await bus.subscribe(Topics.AgentCommand, group, async (event, meta) => {
      const partition = meta.partition;
      inFlight.set(partition, (inFlight.get(partition) ?? 0) + 1);
      peakPerPartition = Math.max(peakPerPartition, inFlight.get(partition) ?? 0);
      // Slow enough that a batch's keys overlap when the bus lets them.
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight.set(partition, (inFlight.get(partition) ?? 1) - 1);
      const payload = event.payload;
      // Both groups read the whole topic from its start: each counts its own run's commands.
      if (payload.type === 'presence' && payload.agentId.startsWith(`${group}-`)) seen.set(payload.agentId, [...(seen.get(payload.agentId) ?? []), payload.capacity ?? 0]);
    }, { fromBeginning: true, ...(keyConcurrency === undefined ? {} : { keyConcurrency }) });
    const commands: AgentCommandPayload[] = [];
    for (let n = 1; n <= EVENTS_PER_AGENT; n += 1) {
      for (let a = 0; a < AGENTS; a += 1) commands.push({ commandId: randomUUID(), type: 'presence', agentId: `${group}-agent-${a}`, presence: 'ready', capacity: n });
    }
    await Promise.all(commands.map((command) => bus.publish(Topics.AgentCommand, command, { correlationId: command.commandId })));
    const total = AGENTS * EVENTS_PER_AGENT;
    await waitFor(`${total} commands handled by ${group}`, () => [...seen.values()].reduce((sum, list) => sum + list.length, 0) === total, 60_000);
    const inOrder = [...seen.values()].every((list) => list.join() === Array.from({ length: EVENTS_PER_AGENT }, (_, i) => i + 1).join());
    return { peakPerPartition, inOrder, handled: [...seen.values()].reduce((sum, list) => sum + list.length, 0) };
  }

  it("never runs more than the bus's keyConcurrency keys of one partition at once, and keeps each key's order", async () => {
    const result = await run('it-keys-bus');
    expect(result).toEqual({ peakPerPartition: 2, inOrder: true, handled: AGENTS * EVENTS_PER_AGENT });
  });

  it("lets a subscription's own keyConcurrency run more of a partition's keys at once, still in order per key", async () => {
    const result = await run('it-keys-own', 32);
    expect(result.peakPerPartition).toBeGreaterThan(2);
    expect(result.peakPerPartition).toBeLessThanOrEqual(32);
    expect(result.inOrder).toBe(true);
    expect(result.handled).toBe(AGENTS * EVENTS_PER_AGENT);
  });
});
