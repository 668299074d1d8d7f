import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, type DeadLetterRecord, deadLetterTopicOf, Topics } from '@perch/contracts';
import { createLogger, PermanentError, RetryableError } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { MemoryTransport } from '../memory/memory-transport.adapter';
import { type ConsumedMessage } from '../port/transport.port';
import { REPLAY_GROUP_HEADER } from '../replay/dead-letter-replay.constants';
import { ConsumerFanIn, subscribeAll } from './consumer-fan-in.util';
import { EventBus } from './event-bus.domain';
import { perchTopicSpecs } from './topics.util';

function presence(agentId: string): AgentCommandPayload {
  return { commandId: randomUUID(), type: 'presence', agentId, presence: 'ready', capacity: 2 };
}

describe(ConsumerFanIn.name, () => {
  let transport: MemoryTransport;
  let bus: EventBus;
  const deadLetters: DeadLetterRecord[] = [];
  const logger = createLogger('test');

  beforeEach(async () => {
    transport = new MemoryTransport();
    await transport.connect();
    await transport.ensureTopics(perchTopicSpecs());
    bus = new EventBus(transport, { producer: 'test', logger, retryDelayMs: () => 1, maxAttempts: 3 });
    deadLetters.length = 0;
    await transport.consume({ groupId: 'dlq-reader', topics: [deadLetterTopicOf(Topics.AgentCommand)], fromBeginning: true }, async (messages: readonly ConsumedMessage[]) => {
      for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
    });
  });

  afterEach(async () => {
    await bus.stop();
    await transport.disconnect();
  });

  it('runs every handler of a topic for each event, in one group', async () => {
    const seen: string[] = [];
    const fanIn = new ConsumerFanIn(bus, { groupOf: () => 'fan-in', fromBeginning: true, logger });
    fanIn.add(Topics.AgentCommand, { name: 'a', handle: async (event) => void seen.push(`a:${event.payload.agentId}`) });
    fanIn.add(Topics.AgentCommand, { name: 'b', handle: async (event) => void seen.push(`b:${event.payload.agentId}`) });
    expect(fanIn.plan().map(({ topic, group }) => ({ topic, group }))).toEqual([{ topic: Topics.AgentCommand, group: 'fan-in' }]);
    await fanIn.start();
    await bus.publish(Topics.AgentCommand, presence('ada'), { correlationId: 'c' });
    await waitFor('both handlers', () => seen.length === 2);
    expect(seen.sort()).toEqual(['a:ada', 'b:ada']);
    expect(transport.broker.positions('fan-in', Topics.AgentCommand).some((p) => p.committed !== undefined)).toBe(true);
  });

  it('retries the event for every handler when one fails transiently, and each handler ends up applying it', async () => {
    const calls = { steady: 0, flaky: 0 };
    await subscribeAll(bus, {
      topic: Topics.AgentCommand,
      group: 'fan-in',
      fromBeginning: true,
      handlers: [
        { name: 'steady', handle: async () => void (calls.steady += 1) },
        {
          name: 'flaky',
          handle: async () => {
            calls.flaky += 1;
            if (calls.flaky < 3) throw new RetryableError('store unreachable');
          },
        },
      ],
    }, logger);
    await bus.publish(Topics.AgentCommand, presence('ada'), { correlationId: 'c' });
    await waitFor('the flaky handler to succeed', () => calls.flaky === 3);
    // The steady handler ran again on each retry: that is why every handler must be idempotent.
    expect(calls.steady).toBe(3);
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters the event once, for the group, when one handler fails permanently, after the others ran', async () => {
    const applied: string[] = [];
    await subscribeAll(bus, {
      topic: Topics.AgentCommand,
      group: 'fan-in',
      fromBeginning: true,
      handlers: [
        { name: 'broken', handle: async () => Promise.reject(new PermanentError('cannot apply')) },
        { name: 'fine', handle: async (event) => void applied.push(event.eventId) },
      ],
    }, logger);
    const event = await bus.publish(Topics.AgentCommand, presence('ada'), { correlationId: 'c' });
    await waitFor('the dead letter', () => deadLetters.length === 1);
    expect(applied).toEqual([event.eventId]);
    expect(deadLetters[0]).toMatchObject({ consumerGroup: 'fan-in', attempts: 1 });
    expect(deadLetters[0]?.reason).toMatch(/cannot apply/);
  });

  it('gives a process that runs only some handlers a group of its own, seeded from the full group and their old groups', () => {
    const fanIn = new ConsumerFanIn(bus, { groupOf: () => 'gw.routing', fromBeginning: true, logger });
    fanIn.add(Topics.AgentCommand, { name: 'projector', replaces: ['old-projector'], handle: async () => undefined });
    fanIn.add(Topics.AgentCommand, { name: 'audit', enabled: false, replaces: ['old-audit'], handle: async () => undefined });
    const [only] = fanIn.plan();
    expect(only).toMatchObject({ group: 'gw.routing.only.projector', fromBeginning: true });
    expect([...(only?.replaces ?? [])].sort()).toEqual(['gw.routing', 'old-projector']);
  });

  it('starts a replacing group where the slowest replaced group stood, and takes the replays of their dead letters', async () => {
    const old: string[] = [];
    const first = await bus.subscribe(Topics.AgentCommand, 'old-group', async (event) => void old.push(event.payload.agentId), { fromBeginning: true });
    await bus.publish(Topics.AgentCommand, presence('before'), { correlationId: 'c' });
    await waitFor('the old group', () => old.length === 1);
    await first.stop();
    await bus.publish(Topics.AgentCommand, presence('after'), { correlationId: 'c' });
    const seen: string[] = [];
    await subscribeAll(bus, {
      topic: Topics.AgentCommand,
      group: 'new-group',
      fromBeginning: true,
      replaces: ['old-group'],
      handlers: [{ name: 'h', handle: async (event) => void seen.push(event.payload.agentId) }],
    }, logger);
    // A dead letter of the retired group replayed now: the replacing group handles it.
    const replayed = await bus.publish(Topics.AgentCommand, presence('replayed'), { correlationId: 'c' });
    await transport.send(Topics.AgentCommand, [
      { key: 'replayed', value: JSON.stringify({ ...replayed, eventId: randomUUID() }), headers: { [REPLAY_GROUP_HEADER]: 'old-group' } },
    ]);
    await waitFor('after, replayed twice', () => seen.length === 3);
    expect(seen).toEqual(['after', 'replayed', 'replayed']);
  });
});
