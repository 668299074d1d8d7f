import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';

import {
  type AgentCommandPayload,
  createEnvelope,
  type DeadLetterRecord,
  deadLetterTopicOf,
  encodeEvent,
  type EventEnvelope,
  type InteractionLifecyclePayload,
  Topics,
} from '@perch/contracts';
import { createLogger, DropError, PermanentError, RetryableError } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { MemoryTransport } from '../memory/memory-transport.adapter';
import { type BatchHandler, type ConsumedMessage, type ConsumeOptions, type ConsumerHandle } from '../port/transport.port';
import { REPLAY_GROUP_HEADER } from '../replay/dead-letter-replay.constants';
import { EventBus } from './event-bus.domain';
import { perchTopicSpecs } from './topics.util';

/** Hands out the bus's batch handler, to call it the way an adapter does, as often as a test needs. */
class HandlerCapturingTransport extends MemoryTransport {
  handler?: BatchHandler;

  override consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle> {
    this.handler = handler;
    return super.consume(options, handler);
  }
}

/** Signals AbortSignal.any derived from this one and that it still references (Node keeps them in a symbol-keyed set). */
function dependantSignals(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  // Node's own Set (another realm than the test's): read its size rather than test instanceof.
  const set = key === undefined ? undefined : (signal as unknown as Record<symbol, { size?: unknown } | undefined>)[key];
  return typeof set?.size === 'number' ? set.size : 0;
}

function presence(agentId: string): AgentCommandPayload {
  return { commandId: randomUUID(), type: 'presence', agentId, presence: 'ready', capacity: 2 };
}

describe(EventBus.name, () => {
  let transport: MemoryTransport;
  let bus: EventBus;
  const deadLetters: DeadLetterRecord[] = [];

  beforeEach(async () => {
    transport = new MemoryTransport();
    await transport.connect();
    await transport.ensureTopics(perchTopicSpecs());
    bus = new EventBus(transport, { producer: 'test', logger: createLogger('test'), retryDelayMs: () => 1, maxAttempts: 3 });
    deadLetters.length = 0;
    await transport.consume({ groupId: 'dlq-reader', topics: [deadLetterTopicOf(Topics.AgentCommand)], fromBeginning: true }, async (messages: readonly ConsumedMessage[]) => {
      for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
    });
  });

  afterEach(async () => {
    await bus.stop();
    await transport.disconnect();
  });

  it('delivers a published event with its envelope and correlation id', async () => {
    const received: EventEnvelope<AgentCommandPayload>[] = [];
    await bus.subscribe(Topics.AgentCommand, 'g1', async (event) => {
      received.push(event);
    }, { fromBeginning: true });
    const sent = await bus.publish(Topics.AgentCommand, presence('alice'), { correlationId: 'corr-7' });
    await waitFor('received.length === 1', () => received.length === 1);
    expect(received[0]).toMatchObject({ eventId: sent.eventId, correlationId: 'corr-7', schemaVersion: 1, producer: 'test' });
    expect(received[0]?.payload.agentId).toBe('alice');
  });

  it('refuses to publish an invalid payload, so the bug surfaces at its producer', async () => {
    const bad = { ...presence('alice'), commandId: 'not-a-uuid' };
    await expect(bus.publish(Topics.AgentCommand, bad, { correlationId: 'c' })).rejects.toThrow(/commandId/);
  });

  it('dead-letters a message that breaks its contract, with the reason, and goes on', async () => {
    const handled: string[] = [];
    await bus.subscribe(Topics.AgentCommand, 'g2', async (event) => {
      handled.push(event.payload.agentId);
    }, { fromBeginning: true });
    await transport.send(Topics.AgentCommand, [{ key: 'k', value: '{"eventId":"nope"}' }]);
    await transport.send(Topics.AgentCommand, [
      { key: 'k', value: JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'c', schemaVersion: 9, producer: 'old', payload: presence('x') }) },
    ]);
    await bus.publish(Topics.AgentCommand, presence('bob'), { correlationId: 'c' });
    await waitFor('handled.length === 1 && deadLetters.length === 2', () => handled.length === 1 && deadLetters.length === 2);
    expect(handled).toEqual(['bob']);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: Topics.AgentCommand, consumerGroup: 'g2', value: '{"eventId":"nope"}' });
    expect(deadLetters[0]?.reason).toMatch(/invalid envelope/);
    expect(deadLetters[1]?.reason).toMatch(/unsupported schemaVersion 9/);
  });

  it("reads several topics in one group, each event validated against its own topic's contract and dead-lettered beside it", async () => {
    const commands: string[] = [];
    const corrections: string[] = [];
    const correctionLetters: DeadLetterRecord[] = [];
    await transport.consume({ groupId: 'dlq-corrections', topics: [deadLetterTopicOf(Topics.ClassificationCorrected)], fromBeginning: true }, async (messages) => {
      for (const m of messages) correctionLetters.push(JSON.parse(m.value) as DeadLetterRecord);
    });
    await bus.subscribeTopics(
      'one-group',
      {
        [Topics.AgentCommand]: async (event) => void commands.push(event.payload.agentId),
        [Topics.ClassificationCorrected]: async (event) => void corrections.push(event.payload.interactionId),
      },
      { fromBeginning: true },
    );
    // An agent command on the corrections topic breaks that topic's contract: it is dead-lettered there, nowhere else.
    const misplaced = JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'c', schemaVersion: 1, producer: 'p', payload: presence('x') });
    await transport.send(Topics.ClassificationCorrected, [{ key: 'k', value: misplaced }]);
    await bus.publish(Topics.AgentCommand, presence('bob'), { correlationId: 'c' });

    await waitFor('the command handled and the misplaced event dead-lettered', () => commands.length === 1 && correctionLetters.length === 1);
    expect(commands).toEqual(['bob']);
    expect(corrections).toEqual([]);
    expect(correctionLetters[0]).toMatchObject({ sourceTopic: Topics.ClassificationCorrected, consumerGroup: 'one-group', value: misplaced });
    expect(deadLetters).toEqual([]);
    await expect(bus.subscribeTopics('no-topics', {})).rejects.toThrow(RangeError);
  });

  /** A clock that only moves when the bus sleeps: minutes of backoff pass in no real time. */
  function simulatedTime(): { clock: { now(): number }; sleep: (ms: number) => Promise<void>; slept: () => number } {
    let now = 0;
    return {
      clock: { now: () => now },
      sleep: async (ms: number) => {
        now += ms;
        await Promise.resolve();
      },
      slept: () => now,
    };
  }

  function refusedConnection(port: number): Error {
    // What ioredis and node-postgres reject with while their server is down.
    return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
  }

  it('rides out a 61 s outage: retries a transient failure with backoff and handles the event without dead-lettering', async () => {
    const time = simulatedTime();
    const patient = new EventBus(transport, { producer: 'test', logger: createLogger('test'), clock: time.clock, sleep: time.sleep });
    let calls = 0;
    const handled: string[] = [];
    await patient.subscribe(Topics.AgentCommand, 'g-outage', async (event) => {
      calls += 1;
      // Redis is down for the first 61 simulated seconds, and once with a typed RetryableError.
      if (time.slept() < 61_000) throw calls === 2 ? new RetryableError('redis down') : refusedConnection(6390);
      handled.push(event.payload.agentId);
    }, { fromBeginning: true });
    await patient.publish(Topics.AgentCommand, presence('olga'), { correlationId: 'c' });
    await waitFor('handled.length === 1', () => handled.length === 1);
    await patient.stop();
    expect(handled).toEqual(['olga']);
    expect(calls).toBeGreaterThan(2);
    expect(patient.counters.deadLettered).toBe(0);
    expect(deadLetters).toHaveLength(0);
  });

  it('dead-letters a transient failure once its retry budget is spent', async () => {
    const time = simulatedTime();
    const budgeted = new EventBus(transport, { producer: 'test', logger: createLogger('test'), clock: time.clock, sleep: time.sleep, retryBudgetMs: 30_000 });
    await budgeted.subscribe(Topics.AgentCommand, 'g3', async () => {
      throw new RetryableError('redis down');
    }, { fromBeginning: true });
    await budgeted.publish(Topics.AgentCommand, presence('carol'), { correlationId: 'c' });
    await waitFor('deadLetters.length === 1', () => deadLetters.length === 1);
    await budgeted.stop();
    expect(time.slept()).toBeGreaterThanOrEqual(30_000);
    expect(deadLetters[0]?.reason).toMatch(/gave up after \d+ attempts over \d+ s: redis down/);
  });

  it('retries an unclassified error only a few times, then dead-letters it', async () => {
    let calls = 0;
    await bus.subscribe(Topics.AgentCommand, 'g3b', async () => {
      calls += 1;
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    }, { fromBeginning: true });
    await bus.publish(Topics.AgentCommand, presence('carol'), { correlationId: 'c' });
    await waitFor('deadLetters.length === 1', () => deadLetters.length === 1);
    expect(calls).toBe(3);
    expect(deadLetters[0]?.reason).toMatch(/gave up after 3 attempts \(unclassified error\)/);
  });

  it('gives a batch back uncommitted when stopped while waiting to retry, without dead-lettering it', async () => {
    const slow = new EventBus(transport, { producer: 'test', logger: createLogger('test'), retryDelayMs: () => 3_600_000 });
    let calls = 0;
    await slow.subscribe(Topics.AgentCommand, 'g-stop', async () => {
      calls += 1;
      throw refusedConnection(5432);
    }, { fromBeginning: true });
    await slow.publish(Topics.AgentCommand, presence('pete'), { correlationId: 'c' });
    await waitFor('calls === 1', () => calls === 1);
    // Resolves although the next retry is an hour away: stop() must not wait it out.
    await slow.stop();
    expect(slow.counters.deadLettered).toBe(0);
    expect(deadLetters).toHaveLength(0);
  });

  it('succeeds on a later attempt without dead-lettering', async () => {
    let calls = 0;
    const handled: string[] = [];
    await bus.subscribe(Topics.AgentCommand, 'g4', async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('blip');
      handled.push(event.payload.agentId);
    }, { fromBeginning: true });
    await bus.publish(Topics.AgentCommand, presence('dave'), { correlationId: 'c' });
    await waitFor('handled.length === 1', () => handled.length === 1);
    expect(deadLetters).toHaveLength(0);
  });

  it('dead-letters a permanent failure at once and drops a DropError silently', async () => {
    let calls = 0;
    await bus.subscribe(Topics.AgentCommand, 'g5', async (event) => {
      calls += 1;
      if (event.payload.agentId === 'erin') throw new PermanentError<'unknown-agent'>('no such agent', 'unknown-agent');
      throw new DropError('stale');
    }, { fromBeginning: true });
    await bus.publish(Topics.AgentCommand, presence('erin'), { correlationId: 'c' });
    await bus.publish(Topics.AgentCommand, presence('frank'), { correlationId: 'c' });
    await waitFor('calls === 2 && deadLetters.length === 1', () => calls === 2 && deadLetters.length === 1);
    expect(deadLetters[0]?.reason).toBe('unknown-agent: no such agent');
    expect(bus.counters.dropped).toBe(1);
  });

  it('dead-letters at once, without retrying, a handler that publishes an event breaking its contract', async () => {
    let calls = 0;
    await bus.subscribe(Topics.AgentCommand, 'g5b', async (event) => {
      calls += 1;
      // A bug in the handler: no retry can make this event valid.
      await bus.publish(Topics.AgentCommand, { ...presence(event.payload.agentId), commandId: 'not-a-uuid' }, { correlationId: 'c' });
    }, { fromBeginning: true });
    await bus.publish(Topics.AgentCommand, presence('gina'), { correlationId: 'c' });
    await waitFor('deadLetters.length === 1', () => deadLetters.length === 1);
    expect(calls).toBe(1);
    expect(bus.counters.retried).toBe(0);
    expect(deadLetters[0]).toMatchObject({ consumerGroup: 'g5b', attempts: 1, reason: expect.stringMatching(/^contract-violation: .*commandId/) });
    expect(deadLetters[0]?.problems.map((problem) => problem.field)).toContain('payload.commandId');
  });

  it('leaves nothing behind on long-lived signals after 100,000 batches', async () => {
    const capturing = new HandlerCapturingTransport();
    await capturing.connect();
    await capturing.ensureTopics(perchTopicSpecs());
    const longLived = new EventBus(capturing, { producer: 'test', logger: createLogger('test') });
    await longLived.subscribe(Topics.AgentCommand, 'g-signals', async () => undefined);
    const handler = capturing.handler;
    if (!handler) throw new Error('the bus did not subscribe');
    // The member's revocation signal lives as long as the member, as the bus's own stop signal does.
    const member = new AbortController();
    // Addressed to another group: dropped before decoding, so the loop measures the bus's per-batch work only.
    const message: ConsumedMessage = {
      topic: Topics.AgentCommand, partition: 0, offset: '0', timestamp: 0, key: 'k', value: '{}', headers: { [REPLAY_GROUP_HEADER]: 'another-group' },
    };
    for (let i = 0; i < 100_000; i += 1) await handler([message], () => undefined, member.signal);
    expect(longLived.counters.dropped).toBe(100_000);
    expect(getEventListeners(member.signal, 'abort')).toHaveLength(0);
    expect(dependantSignals(member.signal)).toBe(0);
    await longLived.stop();
    await capturing.disconnect();
  });

  it('keeps the order of one key while other keys run concurrently', async () => {
    const seen: string[] = [];
    await bus.subscribe(Topics.AgentCommand, 'g6', async (event) => {
      // The first agent's handlers are slow; its events must still come out in order.
      if (event.payload.agentId === 'slow') await new Promise((r) => setTimeout(r, 5));
      seen.push(`${event.payload.agentId}:${event.payload.capacity}`);
    }, { fromBeginning: true });
    for (let i = 1; i <= 5; i += 1) {
      await bus.publish(Topics.AgentCommand, { ...presence('slow'), capacity: i }, { correlationId: 'c' });
      await bus.publish(Topics.AgentCommand, { ...presence('fast'), capacity: i }, { correlationId: 'c' });
    }
    await waitFor('seen.length === 10', () => seen.length === 10);
    expect(seen.filter((s) => s.startsWith('slow'))).toEqual(['slow:1', 'slow:2', 'slow:3', 'slow:4', 'slow:5']);
    expect(seen.filter((s) => s.startsWith('fast'))).toEqual(['fast:1', 'fast:2', 'fast:3', 'fast:4', 'fast:5']);
  });

  it("runs at most its keyConcurrency keys at once, and a subscription's own keyConcurrency over the bus's", async () => {
    const capturing = new HandlerCapturingTransport();
    await capturing.connect();
    await capturing.ensureTopics(perchTopicSpecs());
    const limited = new EventBus(capturing, { producer: 'test', logger: createLogger('test'), keyConcurrency: 3 });
    const peakOf = async (options: { keyConcurrency?: number }): Promise<number> => {
      let inFlight = 0;
      let peak = 0;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await limited.subscribe(Topics.AgentCommand, `g-keys-${options.keyConcurrency ?? 'bus'}`, async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await gate;
        inFlight -= 1;
      }, options);
      const handler = capturing.handler;
      if (!handler) throw new Error('the bus did not subscribe');
      // One batch of 40 events of 20 agents (keys), as a partition's fetch brings them.
      const batch: ConsumedMessage[] = Array.from({ length: 40 }, (_, i) => {
        const envelope = createEnvelope(Topics.AgentCommand, presence(`agent-${i % 20}`), { correlationId: 'c' }, 'test');
        return { topic: Topics.AgentCommand, partition: 0, offset: String(i), timestamp: 0, key: `agent-${i % 20}`, value: encodeEvent(envelope) };
      });
      const done = handler(batch, () => undefined, new AbortController().signal);
      await waitFor('the first handlers running', () => inFlight > 0);
      await new Promise((resolve) => setImmediate(resolve));
      const running = peak;
      release();
      await done;
      expect(inFlight).toBe(0);
      return running;
    };
    expect(await peakOf({})).toBe(3);
    expect(await peakOf({ keyConcurrency: 16 })).toBe(16);
    await expect(limited.subscribe(Topics.AgentCommand, 'g-keys-0', async () => undefined, { keyConcurrency: 0 })).rejects.toThrow(RangeError);
    expect(limited.counters.handled).toBe(80);
    await limited.stop();
    await capturing.disconnect();
  });

  it("hands an offer that carries its interaction's creation to the handler as the 'created', then the 'offered', each retried on its own", async () => {
    const offered: InteractionLifecyclePayload = {
      interactionId: randomUUID(),
      type: 'offered',
      conversationKey: '100:1790000000000000001',
      brandAccountId: '100',
      priority: 1,
      agentId: 'ada',
      offerId: randomUUID(),
      offerExpiresAt: '2026-11-24T09:01:00.000Z',
    };
    const creation = { eventId: randomUUID(), occurredAt: '2026-11-24T09:00:01.000Z', causationId: 'msg-1' };
    const seen: string[] = [];
    let failOfferOnce = true;
    await bus.subscribe(Topics.InteractionLifecycle, 'g7', async (event) => {
      seen.push(`${event.payload.type} ${event.eventId}`);
      if (event.payload.type === 'offered' && failOfferOnce) {
        failOfferOnce = false;
        throw new RetryableError('projection unavailable');
      }
    }, { fromBeginning: true });
    const sent = await bus.publish(Topics.InteractionLifecycle, { ...offered, creation }, { correlationId: 'c' });
    await waitFor('the offer handled', () => seen.length === 3);
    expect(seen).toEqual([`created ${creation.eventId}`, `offered ${sent.eventId}`, `offered ${sent.eventId}`]);
    expect(bus.counters).toMatchObject({ handled: 2, retried: 1 });
  });

  it("tells its observer of each event handled, with the wait since the broker's timestamp and the handling time, retries included, and of each retry and dead letter", async () => {
    const capturing = new HandlerCapturingTransport();
    await capturing.connect();
    await capturing.ensureTopics(perchTopicSpecs());
    let now = 1_000_250;
    const told: { topic: string; group: string; waitedMs: number; handlingMs: number }[] = [];
    const setAside: string[] = [];
    const observed = new EventBus(capturing, {
      producer: 'test',
      logger: createLogger('test'),
      retryDelayMs: () => 30,
      maxAttempts: 3,
      clock: { now: () => now },
      observer: {
        handled: (topic, group, waitedMs, handlingMs) => void told.push({ topic, group, waitedMs, handlingMs }),
        retried: (topic, group) => void setAside.push(`retried ${topic} ${group}`),
        deadLettered: (topic, group) => void setAside.push(`dead-lettered ${topic} ${group}`),
      },
    });
    let failedOnce = false;
    await observed.subscribe(Topics.AgentCommand, 'g-observed', async (event) => {
      if (event.payload.agentId === 'erin') throw new PermanentError<'unknown-agent'>('no such agent', 'unknown-agent');
      if (event.payload.agentId === 'frank') throw new DropError('stale');
      if (!failedOnce) {
        failedOnce = true;
        throw new RetryableError('redis unavailable');
      }
    });
    const message = (agentId: string, offset: number, timestamp: number): ConsumedMessage => ({
      topic: Topics.AgentCommand,
      partition: 0,
      offset: String(offset),
      key: agentId,
      value: encodeEvent(createEnvelope(Topics.AgentCommand, presence(agentId), { correlationId: 'c' }, 'test')),
      timestamp,
    });
    try {
      // Sent at 1,000,000 on the producer's clock, taken 250 ms later; a timestamp ahead of the clock counts as no wait.
      await capturing.handler?.([message('dave', 0, 1_000_000), message('erin', 1, 1_000_000), message('frank', 2, 1_000_000)], () => undefined, new AbortController().signal);
      now = 2_000_000;
      await capturing.handler?.([message('gina', 3, 2_000_050)], () => undefined, new AbortController().signal);
      expect(told.map(({ topic, group, waitedMs }) => ({ topic, group, waitedMs }))).toEqual([
        { topic: Topics.AgentCommand, group: 'g-observed', waitedMs: 250 },
        { topic: Topics.AgentCommand, group: 'g-observed', waitedMs: 0 },
      ]);
      // dave's handling waited out one retry of 30 ms; gina's took none.
      expect(told[0]?.handlingMs).toBeGreaterThanOrEqual(25);
      expect(told[1]?.handlingMs).toBeLessThan(25);
      expect(observed.counters).toMatchObject({ handled: 2, retried: 1, deadLettered: 1, dropped: 1 });
      // Its retry and its dead letter by their logical topic and group; the drop is nobody's failure.
      expect(setAside.sort()).toEqual([`dead-lettered ${Topics.AgentCommand} g-observed`, `retried ${Topics.AgentCommand} g-observed`]);
      // A message that is no event at all is set aside under its topic and group too.
      await capturing.handler?.([{ ...message('hana', 4, 2_000_000), value: '{"not":"an event"}' }], () => undefined, new AbortController().signal);
      expect(setAside).toContain(`dead-lettered ${Topics.AgentCommand} g-observed`);
      expect(setAside.filter((entry) => entry.startsWith('dead-lettered'))).toHaveLength(2);
    } finally {
      await observed.stop();
      await capturing.disconnect();
    }
  });

  it('loses only the figures when its observer throws: each event is handled once, nothing retried or dead-lettered', async () => {
    let told = 0;
    const observed = new EventBus(transport, {
      producer: 'test',
      logger: createLogger('test'),
      retryDelayMs: () => 1,
      maxAttempts: 3,
      observer: {
        handled: () => {
          told += 1;
          throw new TypeError('Value is not a valid number: NaN');
        },
        retried: () => undefined,
        deadLettered: () => undefined,
      },
    });
    const calls: string[] = [];
    await observed.subscribe(Topics.AgentCommand, 'g-throwing-observer', async (event) => {
      if (event.payload.type === 'presence') calls.push(event.payload.agentId);
    }, { fromBeginning: true });
    try {
      await observed.publish(Topics.AgentCommand, presence('hana'), { correlationId: 'c' });
      await observed.publish(Topics.AgentCommand, presence('ivan'), { correlationId: 'c' });
      await waitFor('both handled', () => calls.length === 2);
      expect(calls.sort()).toEqual(['hana', 'ivan']);
      expect(told).toBe(2);
      expect(observed.counters).toMatchObject({ handled: 2, retried: 0, deadLettered: 0 });
      expect(deadLetters).toHaveLength(0);
    } finally {
      await observed.stop();
    }
  });
});
