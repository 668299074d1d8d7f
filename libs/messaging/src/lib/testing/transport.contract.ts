import { randomUUID } from 'node:crypto';

import { waitFor } from '@perch/testing';

import {
  type BatchHandler,
  type ConsumedMessage,
  type ConsumeOptions,
  type ConsumerHandle,
  type Transport,
  type TransportMessage,
} from '../port/transport.port';

/** Every topic the contract creates starts with this, so a suite can clean up after itself. */
export const CONTRACT_TOPIC_PREFIX = 'perch-contract-';

export interface TransportContractOptions {
  /** Deadline for each wait on a delivery; a real broker needs longer than memory. */
  waitTimeoutMs?: number;
}

/** Collects what a consumer receives and checks the per-batch guarantees as it goes. */
class Recorder {
  readonly batches: ConsumedMessage[][] = [];
  readonly messages: ConsumedMessage[] = [];
  readonly violations: string[] = [];

  constructor(private readonly inner?: BatchHandler) {}

  readonly handler: BatchHandler = async (batch, onProgress, revoked) => {
    this.batches.push([...batch]);
    const first = batch[0];
    for (let i = 0; i < batch.length; i += 1) {
      const message = batch[i];
      if (!message || !first) continue;
      if (message.topic !== first.topic || message.partition !== first.partition) {
        this.violations.push(`batch mixes ${first.topic}/${first.partition} and ${message.topic}/${message.partition}`);
      }
      const previous = batch[i - 1];
      if (previous && BigInt(previous.offset) >= BigInt(message.offset)) {
        this.violations.push(`offsets out of order in a batch: ${previous.offset} then ${message.offset}`);
      }
    }
    if (this.inner) {
      await this.inner(batch, onProgress, revoked);
    }
    this.messages.push(...batch);
  };

  values(): string[] {
    return this.messages.map((message) => message.value);
  }

  has(value: string): boolean {
    return this.messages.some((message) => message.value === value);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function messagesFor(prefix: string, indexes: readonly number[], key = 'k'): TransportMessage[] {
  return indexes.map((i) => ({ key, value: `${prefix}${i}` }));
}

/**
 * The behaviour every Transport adapter must share (ports-and-adapters rule: one contract, every
 * adapter). `factory` returns a new, unconnected transport onto the same cluster each time it is
 * called, so two transports act like two processes. Topics and groups are unique per test.
 */
export function describeTransportContract(
  name: string,
  factory: () => Promise<Transport> | Transport,
  options: TransportContractOptions = {},
): void {
  const waitTimeoutMs = options.waitTimeoutMs ?? 20_000;

  describe(`Transport contract: ${name}`, () => {
    const transports: Transport[] = [];
    const handles: ConsumerHandle[] = [];

    async function connected(): Promise<Transport> {
      const transport = await factory();
      await transport.connect();
      transports.push(transport);
      return transport;
    }

    async function consume(transport: Transport, consumeOptions: ConsumeOptions, recorder: Recorder): Promise<ConsumerHandle> {
      const handle = await transport.consume(consumeOptions, recorder.handler);
      handles.push(handle);
      return handle;
    }

    const newTopic = (): string => `${CONTRACT_TOPIC_PREFIX}${randomUUID()}`;
    const newGroup = (): string => `perch-contract-group-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(handles.splice(0).map((handle) => handle.stop()));
      await Promise.all(transports.splice(0).map((transport) => transport.disconnect()));
    });

    it('round-trips keys and headers and reports topic, partition, offset and timestamp', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 2 }]);
      await transport.ensureTopics([{ name: topic, partitions: 2 }]); // idempotent
      const recorder = new Recorder();
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, recorder);

      await transport.send(topic, [
        { key: 'conversation-1', value: 'hello, wörld ✓', headers: { 'correlation-id': 'c-1', 'x-empty': '' } },
        { key: 'conversation-2', value: '' },
      ]);
      await waitFor('both messages', () => recorder.messages.length >= 2, waitTimeoutMs);

      const withHeaders = recorder.messages.find((message) => message.key === 'conversation-1');
      expect(withHeaders).toMatchObject({
        topic,
        key: 'conversation-1',
        value: 'hello, wörld ✓',
        headers: { 'correlation-id': 'c-1', 'x-empty': '' },
      });
      expect(withHeaders?.offset).toMatch(/^\d+$/);
      expect([0, 1]).toContain(withHeaders?.partition);
      expect(typeof withHeaders?.timestamp).toBe('number');
      expect(withHeaders?.timestamp).toBeGreaterThan(0);

      const bare = recorder.messages.find((message) => message.key === 'conversation-2');
      expect(bare?.value).toBe('');
      expect(bare?.headers ?? {}).toEqual({});
      expect(recorder.messages).toHaveLength(2);
    });

    it('adds partitions when ensureTopics asks for more than a topic has', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      await transport.ensureTopics([{ name: topic, partitions: 3 }]);
      const recorder = new Recorder();
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, recorder);

      await transport.send(topic, range(0, 30).map((i) => ({ key: `conversation-${i}`, value: `m${i}` })));
      await waitFor('all 30 messages', () => recorder.messages.length >= 30, waitTimeoutMs);
      const partitions = new Set(recorder.messages.map((message) => message.partition));
      expect(partitions.size).toBeGreaterThan(1);
      for (const partition of partitions) expect([0, 1, 2]).toContain(partition);
    });

    it('preserves per-key order across sequential and concurrent send calls', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 3 }]);
      const recorder = new Recorder();
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, recorder);

      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      const batchOf = (i: number): TransportMessage[] => keys.map((key) => ({ key, value: `${key}:${i}` }));
      for (const i of range(0, 20)) await transport.send(topic, batchOf(i));
      // Not awaited one by one: call order is the order callers expect.
      await Promise.all(range(20, 40).map((i) => transport.send(topic, batchOf(i))));

      await waitFor('all messages', () => recorder.messages.length >= keys.length * 40, waitTimeoutMs);
      for (const key of keys) {
        const received = recorder.messages.filter((message) => message.key === key).map((message) => message.value);
        expect(received).toEqual(range(0, 40).map((i) => `${key}:${i}`));
      }
      expect(recorder.violations).toEqual([]);
    });

    it('delivers every message to each consumer group', async () => {
      const [first, second] = [await connected(), await connected()];
      const topic = newTopic();
      await first.ensureTopics([{ name: topic, partitions: 2 }]);
      const [billing, analytics] = [new Recorder(), new Recorder()];
      await consume(first, { groupId: newGroup(), topics: [topic], fromBeginning: true }, billing);
      await consume(second, { groupId: newGroup(), topics: [topic], fromBeginning: true }, analytics);

      const sent = range(0, 30).map((i) => ({ key: `key-${i % 7}`, value: `m${i}` }));
      await first.send(topic, sent);

      const all = sent.map((message) => message.value).sort();
      await waitFor('both groups to get 30', () => billing.messages.length >= 30 && analytics.messages.length >= 30, waitTimeoutMs);
      expect(billing.values().sort()).toEqual(all);
      expect(analytics.values().sort()).toEqual(all);
    });

    it('splits the partitions between the members of one group without overlap', async () => {
      const [first, second] = [await connected(), await connected()];
      const topic = newTopic();
      const groupId = newGroup();
      await first.ensureTopics([{ name: topic, partitions: 4 }]);
      const [one, two] = [new Recorder(), new Recorder()];
      await consume(first, { groupId, topics: [topic], fromBeginning: true }, one);
      // Resolves once the member has joined, so the group is settled before anything is sent.
      await consume(second, { groupId, topics: [topic], fromBeginning: true }, two);

      const sent = range(0, 100).map((i) => ({ key: `conversation-${i % 40}`, value: `m${i}` }));
      await first.send(topic, sent);

      await waitFor('100 deliveries across both members', () => one.messages.length + two.messages.length >= 100, waitTimeoutMs);
      const oneValues = new Set(one.values());
      expect(two.values().filter((value) => oneValues.has(value))).toEqual([]);
      expect([...one.values(), ...two.values()].sort()).toEqual(sent.map((message) => message.value).sort());
      expect(one.messages.length).toBeGreaterThan(0);
      expect(two.messages.length).toBeGreaterThan(0);
    });

    it('redelivers a rejected batch from the first message not reported through onProgress', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      await transport.send(topic, messagesFor('m', range(0, 10)));

      const appearances = new Map<string, number>();
      const processed: string[] = [];
      let failed = false;
      const recorder = new Recorder(async (batch, onProgress) => {
        for (const message of batch) appearances.set(message.value, (appearances.get(message.value) ?? 0) + 1);
        for (const message of batch) {
          if (message.value === 'm3' && !failed) {
            failed = true;
            throw new Error('transient failure on m3');
          }
          processed.push(message.value);
          onProgress(message);
        }
      });
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, recorder);

      await waitFor('m9 to be processed', () => processed.includes('m9'), waitTimeoutMs);
      expect(processed).toEqual(range(0, 10).map((i) => `m${i}`));
      for (const value of ['m0', 'm1', 'm2']) expect(appearances.get(value)).toBe(1);
      expect(appearances.get('m3')).toBeGreaterThanOrEqual(2);
    });

    it('keeps delivering other partitions while one partition keeps failing', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 2 }]);
      let poisonPartition: number | undefined;
      let poisonAttempts = 0;
      let healed = false;
      const processed: ConsumedMessage[] = [];
      const recorder = new Recorder(async (batch, onProgress) => {
        for (const message of batch) {
          if (message.value === 'poison' && !healed) {
            poisonPartition = message.partition;
            poisonAttempts += 1;
            throw new Error('poison message');
          }
          processed.push(message);
          onProgress(message);
        }
      });
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, recorder);

      await transport.send(topic, [{ key: 'poison-key', value: 'poison' }]);
      await waitFor('the poison message to fail', () => poisonAttempts >= 1, waitTimeoutMs);
      const others = range(0, 40).map((i) => ({ key: `conversation-${i}`, value: `m${i}` }));
      await transport.send(topic, others);
      await waitFor(
        'a message of the healthy partition while the other one fails',
        () => processed.some((message) => message.partition !== poisonPartition),
        waitTimeoutMs,
      );
      expect(processed.some((message) => message.value === 'poison')).toBe(false);

      healed = true;
      await waitFor('everything once the failure heals', () => processed.length >= 41, waitTimeoutMs);
      expect(processed.map((message) => message.value).sort()).toEqual(['poison', ...others.map((m) => m.value)].sort());
      // Per-partition order survives the failure: nothing behind the poison message overtook it.
      const stuck = processed.filter((message) => message.partition === poisonPartition);
      expect(stuck[0]?.value).toBe('poison');
    });

    it('resumes a restarted consumer right after its committed offset', async () => {
      const before = await connected();
      const topic = newTopic();
      const groupId = newGroup();
      await before.ensureTopics([{ name: topic, partitions: 1 }]);
      const first = new Recorder();
      const handle = await consume(before, { groupId, topics: [topic], fromBeginning: true }, first);
      await before.send(topic, messagesFor('m', range(0, 10)));
      await waitFor('the first consumer to get m9', () => first.has('m9'), waitTimeoutMs);
      await handle.stop();

      await before.send(topic, messagesFor('m', range(10, 20)));
      const after = await connected();
      const second = new Recorder();
      await consume(after, { groupId, topics: [topic], fromBeginning: true }, second);
      await waitFor('the restarted consumer to get m19', () => second.has('m19'), waitTimeoutMs);

      expect(first.values()).toEqual(range(0, 10).map((i) => `m${i}`));
      expect(second.values()).toEqual(range(10, 20).map((i) => `m${i}`));
    });

    it('starts a new group at the earliest message with fromBeginning and at the end without it', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 2 }]);
      const history = range(0, 6).map((i) => ({ key: `key-${i}`, value: `old${i}` }));
      await transport.send(topic, history);

      const [replaying, live] = [new Recorder(), new Recorder()];
      await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, replaying);
      await consume(transport, { groupId: newGroup(), topics: [topic] }, live);
      const fresh = range(0, 6).map((i) => ({ key: `key-${i}`, value: `new${i}` }));
      await transport.send(topic, fresh);

      await waitFor('history and new messages', () => replaying.messages.length >= 12 && live.messages.length >= 6, waitTimeoutMs);
      expect(replaying.values().sort()).toEqual([...history, ...fresh].map((message) => message.value).sort());
      expect(live.values().sort()).toEqual(fresh.map((message) => message.value).sort());
    });

    it('lets one group read several topics: each message with its topic, no batch mixing them, from the end without fromBeginning', async () => {
      const transport = await connected();
      const [first, second] = [newTopic(), newTopic()];
      await transport.ensureTopics([
        { name: first, partitions: 2 },
        { name: second, partitions: 3 },
      ]);
      await transport.send(first, messagesFor('old-first-', range(0, 3)));
      await transport.send(second, messagesFor('old-second-', range(0, 3)));

      const [replaying, live] = [new Recorder(), new Recorder()];
      await consume(transport, { groupId: newGroup(), topics: [first, second], fromBeginning: true }, replaying);
      await consume(transport, { groupId: newGroup(), topics: [first, second] }, live);
      await transport.send(first, range(0, 6).map((i) => ({ key: `key-${i}`, value: `new-first-${i}` })));
      await transport.send(second, range(0, 6).map((i) => ({ key: `key-${i}`, value: `new-second-${i}` })));

      await waitFor('both topics, old and new', () => replaying.messages.length >= 18 && live.messages.length >= 12, waitTimeoutMs);
      for (const message of [...replaying.messages, ...live.messages]) {
        expect(message.value.includes('-first-') ? first : second).toBe(message.topic);
      }
      expect(live.values().every((value) => value.startsWith('new-'))).toBe(true);
      expect(replaying.messages).toHaveLength(18);
      expect(live.messages).toHaveLength(12);
      expect([...replaying.violations, ...live.violations]).toEqual([]);
    });

    it('stops delivering to a consumer once stop() resolves', async () => {
      const [transport, observer] = [await connected(), await connected()];
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      const stopped = new Recorder();
      const handle = await consume(transport, { groupId: newGroup(), topics: [topic], fromBeginning: true }, stopped);
      await transport.send(topic, [{ key: 'k', value: 'before-stop' }]);
      await waitFor('the first message', () => stopped.has('before-stop'), waitTimeoutMs);
      await handle.stop();

      await transport.send(topic, [{ key: 'k', value: 'after-stop' }]);
      // Another group proves the message was delivered somewhere before we look at the stopped one.
      const control = new Recorder();
      await consume(observer, { groupId: newGroup(), topics: [topic], fromBeginning: true }, control);
      await waitFor('the control group to get the message', () => control.has('after-stop'), waitTimeoutMs);
      expect(stopped.values()).toEqual(['before-stop']);
    });

    it('revokes a batch still in its handler when the consumer stops, so stop() need not wait out a retrying handler', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      let entered = false;
      let sawAbort = false;
      // Stands for a handler waiting out an outage: it returns only once its batch is revoked.
      const waiting = new Recorder(async (_batch, _onProgress, revoked) => {
        entered = true;
        await new Promise<void>((resolve) => {
          if (revoked.aborted) resolve();
          else revoked.addEventListener('abort', () => resolve(), { once: true });
        });
        sawAbort = revoked.aborted;
        throw new Error('gave the batch back');
      });
      const handle = await transport.consume({ groupId: newGroup(), topics: [topic], fromBeginning: true }, waiting.handler);
      await transport.send(topic, [{ key: 'k', value: 'in-flight' }]);
      await waitFor('the handler to start', () => entered, waitTimeoutMs);
      await handle.stop();
      expect(sawAbort).toBe(true);
    });

    it('reports each partition’s end and a group’s committed position, which moves as the group commits', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      await transport.send(topic, messagesFor('p', range(0, 3)));
      const group = newGroup();
      expect(await transport.positions(group, topic)).toEqual([{ partition: 0, low: '0', high: '3' }]);

      const recorder = new Recorder();
      const handle = await consume(transport, { groupId: group, topics: [topic], fromBeginning: true }, recorder);
      await waitFor('the three messages', () => recorder.messages.length === 3, waitTimeoutMs);
      // Committing happens after the handler resolved; stop() waits for it.
      await handle.stop();
      expect(await transport.positions(group, topic)).toEqual([{ partition: 0, low: '0', high: '3', committed: '3' }]);
    });

    it('seeds a new group from the lowest committed offset of the groups it replaces, once, so it neither replays nor skips', async () => {
      const transport = await connected();
      const topic = newTopic();
      await transport.ensureTopics([{ name: topic, partitions: 1 }]);
      const [ahead, behind, replacement] = [newGroup(), newGroup(), newGroup()];
      await transport.send(topic, messagesFor('m', range(0, 4)));
      const [aheadRecorder, behindRecorder] = [new Recorder(), new Recorder()];
      const aheadHandle = await consume(transport, { groupId: ahead, topics: [topic], fromBeginning: true }, aheadRecorder);
      const behindHandle = await consume(transport, { groupId: behind, topics: [topic], fromBeginning: true }, behindRecorder);
      await waitFor('both groups to get m3', () => aheadRecorder.has('m3') && behindRecorder.has('m3'), waitTimeoutMs);
      await behindHandle.stop();
      await transport.send(topic, messagesFor('m', range(4, 10)));
      await waitFor('the group ahead to get m9', () => aheadRecorder.has('m9'), waitTimeoutMs);
      await aheadHandle.stop();

      // Never-committed groups carry nothing over: the new group's own start rule applies.
      expect(await transport.seedGroup(replacement, [newGroup()], topic)).toEqual([]);
      expect(await transport.seedGroup(replacement, [ahead, behind], topic)).toEqual([{ partition: 0, offset: '4' }]);
      expect((await transport.positions(replacement, topic))[0]?.committed).toBe('4');

      const recorder = new Recorder();
      const handle = await consume(transport, { groupId: replacement, topics: [topic], fromBeginning: true }, recorder);
      await waitFor('the replacement to get m9', () => recorder.has('m9'), waitTimeoutMs);
      await handle.stop();
      // What the slowest replaced group had not committed, and nothing before it (no replay from the earliest offset).
      expect(recorder.values()).toEqual(range(4, 10).map((i) => `m${i}`));
      // A group with committed offsets is never moved again, e.g. by the next start.
      expect(await transport.seedGroup(replacement, [behind], topic)).toEqual([]);
      expect((await transport.positions(replacement, topic))[0]?.committed).toBe('10');
    });
  });
}
