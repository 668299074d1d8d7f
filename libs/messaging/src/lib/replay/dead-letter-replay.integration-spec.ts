import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, deadLetterTopicOf, type EventEnvelope, Topics } from '@perch/contracts';
import { createLogger, PermanentError } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { EventBus } from '../bus/event-bus.domain';
import { withNamespace } from '../bus/namespaced-transport.adapter';
import { perchTopicSpecs } from '../bus/topics.util';
import { KafkaTransport } from '../kafka/kafka-transport.adapter';
import { type Transport } from '../port/transport.port';
import { replayDeadLetters } from './dead-letter-replay.domain';

// On the real Kafka: a consumer group dead-letters what it cannot handle, the fix is "deployed", the replay sends
// every dead letter back once, the fixed group handles each exactly once, and a second replay sends nothing.
describe('dead-letter replay on Kafka', () => {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',');
  const namespace = `it-replay-${randomUUID().slice(0, 8)}`;
  const topic = Topics.AgentCommand;
  const logger = createLogger('dead-letter-replay-it');
  const kafkas: KafkaTransport[] = [];
  let app: Transport;
  let tool: Transport;
  let bus: EventBus;

  function transport(clientId: string, extra: Partial<ConstructorParameters<typeof KafkaTransport>[0]> = {}): Transport {
    const kafka = new KafkaTransport({ brokers, clientId, logger, ...extra });
    kafkas.push(kafka);
    return withNamespace(kafka, namespace);
  }

  beforeAll(async () => {
    app = transport('replay-it-app');
    // As the CLI configures it: one dead letter per call, committed before the next.
    tool = transport('replay-it-tool', { maxBatchSize: 1, autoCommitThreshold: 1 });
    await Promise.all([app.connect(), tool.connect()]);
    await app.ensureTopics(perchTopicSpecs().filter((spec) => spec.name === topic || spec.name === deadLetterTopicOf(topic)));
    bus = new EventBus(app, { producer: 'replay-it', logger, retryDelayMs: () => 10, maxAttempts: 2 });
  });

  afterAll(async () => {
    await bus.stop();
    await Promise.all(kafkas.map((k) => k.disconnect()));
  });

  it('replays every dead letter once to the group that failed it, and nothing on the second run', async () => {
    let broken = true;
    const audit = new Map<string, number>();
    const router = new Map<string, number>();
    const count = (seen: Map<string, number>, event: EventEnvelope<AgentCommandPayload>): void =>
      void seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
    await bus.subscribe(topic, 'audit', async (event) => {
      if (broken) throw new PermanentError('audit cannot handle presence yet');
      count(audit, event);
    }, { fromBeginning: true });
    await bus.subscribe(topic, 'router', async (event) => count(router, event), { fromBeginning: true });

    const events: EventEnvelope<AgentCommandPayload>[] = [];
    for (const agent of ['ann', 'ben', 'cid', 'dee', 'eve']) {
      events.push(await bus.publish(topic, { commandId: randomUUID(), type: 'presence', agentId: agent, presence: 'ready', capacity: 1 }, { correlationId: `c-${agent}` }));
    }
    await waitFor('five dead letters and the router done', () => bus.counters.deadLettered === 5 && router.size === 5, 30_000);

    broken = false;
    const summary = await replayDeadLetters({ transport: tool, topic, logger });
    expect(summary).toMatchObject({ replayed: 5, skipped: 0, replayedByGroup: { audit: 5 }, replayedByReason: { permanent: 5 } });

    await waitFor('audit to handle the replays and the router to pass over them', () => audit.size === 5 && bus.counters.dropped === 5, 30_000);
    expect([...audit.keys()].sort()).toEqual(events.map((e) => e.eventId).sort());

    const again = await replayDeadLetters({ transport: tool, topic, logger });
    expect(again).toMatchObject({ replayed: 0, skipped: 0 });
    // A last event through both groups proves they are caught up: nothing replayed twice arrived before it.
    const last = await bus.publish(topic, { commandId: randomUUID(), type: 'presence', agentId: 'fay', presence: 'ready', capacity: 1 }, { correlationId: 'c-fay' });
    await waitFor('the last event in both groups', () => audit.has(last.eventId) && router.has(last.eventId), 30_000);
    expect([...audit.values()].every((n) => n === 1)).toBe(true);
    expect([...router.values()].every((n) => n === 1)).toBe(true);
    expect(audit.size).toBe(6);
  });
});
