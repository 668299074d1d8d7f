import { waitFor } from '@perch/testing';

import { describeTransportContract } from '../testing/transport.contract';
import { type ConsumedMessage } from '../port/transport.port';
import { MemoryBroker, MemoryTransport } from './memory-transport.adapter';

// One broker shared by every transport the contract creates: they behave like processes of one
// embedded cluster. Unique topic and group names keep the tests apart.
const shared = new MemoryBroker({ redeliveryBackoffMs: 5 });
describeTransportContract('memory', () => new MemoryTransport({ broker: shared }), { waitTimeoutMs: 4000 });

describe('MemoryTransport', () => {
  let transport: MemoryTransport;

  afterEach(async () => {
    await transport.disconnect();
  });

  it('never calls a handler synchronously inside send', async () => {
    transport = new MemoryTransport();
    await transport.connect();
    const received: string[] = [];
    await transport.consume({ groupId: 'g', topics: ['t'] }, async (batch) => {
      received.push(...batch.map((message) => message.value));
    });
    const sent = transport.send('t', [{ key: 'k', value: 'v' }]);
    expect(received).toEqual([]);
    await sent;
    await waitFor('the delivery', () => received.length === 1);
  });

  it('hands out batches of at most maxBatchSize messages', async () => {
    transport = new MemoryTransport({ maxBatchSize: 7 });
    await transport.connect();
    const sizes: number[] = [];
    await transport.consume({ groupId: 'g', topics: ['t'] }, async (batch) => {
      sizes.push(batch.length);
    });
    await transport.send('t', Array.from({ length: 50 }, (_, i) => ({ key: 'k', value: `m${i}` })));
    await waitFor('all 50 messages', () => sizes.reduce((a, b) => a + b, 0) === 50);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
  });

  it('gives a leaving member’s partitions to the remaining member', async () => {
    transport = new MemoryTransport({ defaultPartitions: 4 });
    await transport.connect();
    const [one, two]: [ConsumedMessage[], ConsumedMessage[]] = [[], []];
    const first = await transport.consume({ groupId: 'g', topics: ['t'] }, async (batch) => {
      one.push(...batch);
    });
    await transport.consume({ groupId: 'g', topics: ['t'] }, async (batch) => {
      two.push(...batch);
    });
    await first.stop();
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `m${i}` }));
    await transport.send('t', messages);
    await waitFor('the remaining member to get everything', () => two.length === 40);
    expect(one).toEqual([]);
    expect(new Set(two.map((message) => message.partition)).size).toBe(4);
  });

  it('trims what every group has committed, keeping retainMessages for late groups', async () => {
    const broker = new MemoryBroker({ retainMessages: 100 });
    transport = new MemoryTransport({ broker });
    await transport.connect();
    let count = 0;
    await transport.consume({ groupId: 'g', topics: ['t'] }, async (batch) => {
      count += batch.length;
    });
    for (let round = 0; round < 20; round += 1) {
      await transport.send('t', Array.from({ length: 1000 }, (_, i) => ({ key: 'k', value: `${round}:${i}` })));
    }
    await waitFor('all messages', () => count === 20_000);

    const late: string[] = [];
    await transport.consume({ groupId: 'late', topics: ['t'], fromBeginning: true }, async (batch) => {
      late.push(...batch.map((message) => message.value));
    });
    await waitFor('the retained history', () => late.length === 100);
    expect(late[0]).toBe('19:900');
    expect(late[99]).toBe('19:999');
  });

  it('caps a partition behind a stalled group and lets the group skip ahead', async () => {
    transport = new MemoryTransport({ retainMessages: 0, maxPartitionMessages: 1000 });
    await transport.connect();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received: string[] = [];
    let entered = false;
    await transport.consume({ groupId: 'stalled', topics: ['t'] }, async (batch) => {
      entered = true;
      await gate;
      received.push(...batch.map((message) => message.value));
    });
    await transport.send('t', [{ key: 'k', value: 'first' }]);
    await waitFor('the handler to hold the first batch', () => entered);
    await transport.send('t', Array.from({ length: 5000 }, (_, i) => ({ key: 'k', value: `m${i}` })));
    release();
    await waitFor('the newest message', () => received.includes('m4999'));
    // 'first' was in flight; then the group resumes at the oldest message still kept.
    expect(received[0]).toBe('first');
    expect(received[1]).toBe('m4000');
    expect(received).toHaveLength(1001);
  });

  it('refuses to send before connect', async () => {
    transport = new MemoryTransport();
    await expect(transport.send('t', [{ key: 'k', value: 'v' }])).rejects.toThrow('not connected');
  });
});
