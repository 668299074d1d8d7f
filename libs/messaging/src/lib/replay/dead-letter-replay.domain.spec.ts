import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, deadLetterTopicOf, type EventEnvelope, Topics } from '@perch/contracts';
import { createLogger, PermanentError } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { EventBus } from '../bus/event-bus.domain';
import { perchTopicSpecs } from '../bus/topics.util';
import { MemoryTransport } from '../memory/memory-transport.adapter';
import { type ConsumedMessage } from '../port/transport.port';
import { REPLAY_GROUP_HEADER } from './dead-letter-replay.constants';
import { replayDeadLetters } from './dead-letter-replay.domain';

function presence(agentId: string): AgentCommandPayload {
  return { commandId: randomUUID(), type: 'presence', agentId, presence: 'ready', capacity: 2 };
}

const logger = createLogger('dead-letter-replay-test');
const topic = Topics.AgentCommand;

describe(replayDeadLetters.name, () => {
  let transport: MemoryTransport;
  let bus: EventBus;
  /** What each consumer group handled, by event id: a duplicate shows up as a count of 2. */
  let handled: Record<string, Map<string, number>>;
  /** Groups whose handler fails permanently until the test "deploys the fix". */
  let broken: Set<string>;
  let deadLettered: number;

  async function subscribe(group: string): Promise<void> {
    handled[group] = new Map();
    await bus.subscribe(
      topic,
      group,
      async (event: EventEnvelope<AgentCommandPayload>) => {
        if (broken.has(group)) throw new PermanentError(`${group} cannot handle ${event.payload.agentId} yet`);
        const seen = handled[group];
        seen?.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
      },
      { fromBeginning: true },
    );
  }

  beforeEach(async () => {
    transport = new MemoryTransport();
    await transport.connect();
    await transport.ensureTopics(perchTopicSpecs());
    bus = new EventBus(transport, { producer: 'test', logger, retryDelayMs: () => 1, maxAttempts: 2 });
    handled = {};
    broken = new Set();
    deadLettered = 0;
    await transport.consume({ groupId: 'dlq-counter', topics: [deadLetterTopicOf(topic)], fromBeginning: true }, async (messages) => {
      deadLettered += messages.length;
    });
  });

  afterEach(async () => {
    await bus.stop();
    await transport.disconnect();
  });

  /** Three events the router handles and the audit group cannot, until fixed. */
  async function threeDeadLetters(): Promise<EventEnvelope<AgentCommandPayload>[]> {
    broken.add('audit');
    await subscribe('router');
    await subscribe('audit');
    const events = [];
    for (const agent of ['ann', 'ben', 'cid']) events.push(await bus.publish(topic, presence(agent), { correlationId: `c-${agent}` }));
    await waitFor('three dead letters and the router done', () => deadLettered === 3 && handled['router']?.size === 3);
    return events;
  }

  it('sends each dead letter back with its key and event id to the group that failed it, which handles it once', async () => {
    const events = await threeDeadLetters();
    const seenOnTopic: ConsumedMessage[] = [];
    await transport.consume({ groupId: 'raw-reader', topics: [topic], fromBeginning: true }, async (messages) => void seenOnTopic.push(...messages));
    broken.delete('audit');

    const summary = await replayDeadLetters({ transport, topic, logger });

    expect(summary).toMatchObject({ replayed: 3, skipped: 0, dryRun: false, limitReached: false, replayedByGroup: { audit: 3 } });
    expect(summary.replayedByReason).toEqual({ permanent: 3 });
    await waitFor('the audit group to handle the replayed events', () => handled['audit']?.size === 3);
    expect([...(handled['audit']?.keys() ?? [])].sort()).toEqual(events.map((e) => e.eventId).sort());
    expect([...(handled['audit']?.values() ?? [])]).toEqual([1, 1, 1]);
    // The router handled the originals; the replays are addressed to the audit group only, and it skips them.
    await waitFor('the router to pass over the three replays', () => bus.counters.dropped === 3);
    expect([...(handled['router']?.values() ?? [])]).toEqual([1, 1, 1]);
    await waitFor('the originals and the replays on the topic', () => seenOnTopic.length === 6);
    const replays = seenOnTopic.filter((m) => m.headers?.[REPLAY_GROUP_HEADER] === 'audit');
    expect(replays.map((m) => [m.key, m.headers?.['event-id']]).sort()).toEqual(events.map((e) => [e.payload.agentId, e.eventId]).sort());
  });

  it('replays nothing the second time it runs', async () => {
    await threeDeadLetters();
    broken.delete('audit');
    await replayDeadLetters({ transport, topic, logger });

    const again = await replayDeadLetters({ transport, topic, logger });

    expect(again).toMatchObject({ replayed: 0, skipped: 0 });
    await waitFor('the audit group to handle the first replay', () => handled['audit']?.size === 3);
    expect([...(handled['audit']?.values() ?? [])]).toEqual([1, 1, 1]);
  });

  it('counts without sending in a dry run, and a real run afterwards still replays everything', async () => {
    await threeDeadLetters();
    broken.delete('audit');

    const dry = await replayDeadLetters({ transport, topic, logger, dryRun: true });
    expect(dry).toMatchObject({ replayed: 3, dryRun: true });
    expect(handled['audit']?.size).toBe(0);

    const real = await replayDeadLetters({ transport, topic, logger });
    expect(real.replayed).toBe(3);
    await waitFor('the audit group to handle the replay', () => handled['audit']?.size === 3);
  });

  it('stops at --limit and replays the rest on the next run', async () => {
    await threeDeadLetters();
    broken.delete('audit');

    const first = await replayDeadLetters({ transport, topic, logger, limit: 2 });
    expect(first).toMatchObject({ replayed: 2, limitReached: true });
    const second = await replayDeadLetters({ transport, topic, logger, limit: 2 });
    expect(second).toMatchObject({ replayed: 1, limitReached: false });
    await waitFor('the audit group to handle all three', () => handled['audit']?.size === 3);
    expect([...(handled['audit']?.values() ?? [])]).toEqual([1, 1, 1]);
  });

  it('with --group replays only that group’s dead letters and passes over the others', async () => {
    broken.add('audit').add('billing');
    await subscribe('audit');
    await subscribe('billing');
    await bus.publish(topic, presence('dee'), { correlationId: 'c-dee' });
    await waitFor('a dead letter from each group', () => deadLettered === 2);
    broken.clear();

    const summary = await replayDeadLetters({ transport, topic, logger, group: 'billing' });

    expect(summary).toMatchObject({ replayed: 1, skipped: 1, replayedByGroup: { billing: 1 }, skippedByReason: { 'failed by another group (audit)': 1 } });
    await waitFor('billing to handle its replay', () => handled['billing']?.size === 1);
    expect(handled['audit']?.size).toBe(0);
  });

  it('passes over dead letters that never were events of the topic, and unreadable ones', async () => {
    await bus.deadLetterExternal(topic, {
      sourceTopic: 'x.stream',
      partition: 0,
      offset: '0',
      key: 'stream',
      value: '{"data":',
      headers: {},
      consumerGroup: 'ingestor',
      reason: 'unparsable stream line',
      problems: [],
      attempts: 1,
    });
    await transport.send(deadLetterTopicOf(topic), [{ key: 'k', value: 'not json' }]);

    const summary = await replayDeadLetters({ transport, topic, logger });

    expect(summary).toMatchObject({
      replayed: 0,
      skipped: 2,
      skippedByReason: { [`not an event of ${topic} (from x.stream)`]: 1, 'unreadable dead letter': 1 },
    });
  });
});
