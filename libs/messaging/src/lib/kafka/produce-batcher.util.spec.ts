import { type TransportMessage } from '../port/transport.port';
import { ProduceBatcher, type ProduceBatcherOptions, type TopicBatch } from './produce-batcher.util';

const options: ProduceBatcherOptions = { lingerMs: 2, maxBatchMessages: 1000, maxBatchBytes: 1_000_000, maxInFlight: 1 };

function message(i: number, size = 1): TransportMessage {
  return { key: `k${i % 5}`, value: 'x'.repeat(size) + String(i) };
}

/** A fake broker: records each produce request and acks it when told to. */
class FakeProducer {
  readonly requests: TopicBatch[][] = [];
  private readonly pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  autoAck = true;

  readonly produce = (batches: TopicBatch[]): Promise<void> => {
    this.requests.push(batches);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<void>((resolve, reject) => {
      const settle = {
        resolve: (): void => {
          this.inFlight -= 1;
          resolve();
        },
        reject: (error: Error): void => {
          this.inFlight -= 1;
          reject(error);
        },
      };
      if (this.autoAck) setImmediate(settle.resolve);
      else this.pending.push(settle);
    });
  };

  ack(): void {
    this.pending.shift()?.resolve();
  }

  fail(error: Error): void {
    this.pending.shift()?.reject(error);
  }

  values(): string[] {
    return this.requests.flatMap((request) => request.flatMap((batch) => batch.messages.map((m) => m.value)));
  }
}

/** Lets the current turn of the event loop end (setImmediate callbacks queued before this one run first). */
function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A lane that sent one request, then a second send `elapsedMs` later by the batcher's clock. */
async function aSecondSendAfter(
  elapsedMs: number,
  overrides: Partial<ProduceBatcherOptions>,
): Promise<{ fake: FakeProducer; batcher: ProduceBatcher; second: Promise<void> }> {
  let now = 1_000_000;
  const fake = new FakeProducer();
  const batcher = new ProduceBatcher(fake.produce, { ...options, ...overrides, now: () => now });
  await batcher.send('t', [message(0)]);
  now += elapsedMs;
  return { fake, batcher, second: batcher.send('t', [message(1)]) };
}

describe('ProduceBatcher', () => {
  it('coalesces concurrent send calls into a few produce requests and resolves every caller', async () => {
    const fake = new FakeProducer();
    const batcher = new ProduceBatcher(fake.produce, options);
    await Promise.all(Array.from({ length: 500 }, (_, i) => batcher.send('t', [message(i)])));
    expect(fake.requests.length).toBeLessThanOrEqual(2);
    expect(fake.values()).toEqual(Array.from({ length: 500 }, (_, i) => message(i).value));
  });

  it('with no linger, sends the sends of one turn together at the end of that turn, without waiting for a timer', async () => {
    const fake = new FakeProducer();
    const batcher = new ProduceBatcher(fake.produce, { ...options, lingerMs: 0 });
    const sent = Promise.all([0, 1, 2].map((i) => batcher.send('t', [message(i)])));
    expect(fake.requests).toHaveLength(0);
    await endOfTurn();
    expect(fake.requests).toHaveLength(1);
    expect(fake.values()).toEqual([0, 1, 2].map((i) => message(i).value));
    await sent;
  });

  it('sends a message to an idle lane at the end of its turn, without waiting for the linger', async () => {
    const fake = new FakeProducer();
    const batcher = new ProduceBatcher(fake.produce, { ...options, lingerMs: 1_000 });
    const sent = batcher.send('t', [message(0)]);
    await endOfTurn();
    expect(fake.requests).toHaveLength(1);
    await sent;
  });

  it('holds a message for the linger when its lane sent a request less than the linger ago, then sends what came with it', async () => {
    const { fake, batcher, second } = await aSecondSendAfter(5, { lingerMs: 20 });
    await endOfTurn();
    expect(fake.requests).toHaveLength(1);
    const third = batcher.send('t', [message(2)]);
    await Promise.all([second, third]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.flatMap((batch) => batch.messages.map((m) => m.value))).toEqual([message(1).value, message(2).value]);
  });

  it('sends at once again once the lane has been idle for the linger', async () => {
    const { fake, second } = await aSecondSendAfter(20, { lingerMs: 20 });
    await endOfTurn();
    expect(fake.requests).toHaveLength(2);
    await second;
  });

  it('groups messages by topic in one request, keeping call order within each topic', async () => {
    const fake = new FakeProducer();
    const batcher = new ProduceBatcher(fake.produce, options);
    await Promise.all([
      batcher.send('a', [message(1)]),
      batcher.send('b', [message(2)]),
      batcher.send('a', [message(3)]),
    ]);
    expect(fake.requests).toEqual([
      [
        { topic: 'a', messages: [message(1), message(3)] },
        { topic: 'b', messages: [message(2)] },
      ],
    ]);
  });

  it('splits requests at the message and byte caps', async () => {
    const fake = new FakeProducer();
    const batcher = new ProduceBatcher(fake.produce, { ...options, maxBatchMessages: 10, maxBatchBytes: 2_000 });
    await batcher.send('t', Array.from({ length: 35 }, (_, i) => message(i, 10)));
    expect(fake.requests.map((request) => request[0]?.messages.length)).toEqual([10, 10, 10, 5]);

    const big = new FakeProducer();
    const bytes = new ProduceBatcher(big.produce, { ...options, maxBatchBytes: 2_000 });
    await bytes.send('t', Array.from({ length: 6 }, (_, i) => message(i, 500)));
    expect(big.requests.map((request) => request[0]?.messages.length)).toEqual([3, 3]);
  });

  it('keeps one request in flight and sends what queued meanwhile as soon as it is acked', async () => {
    const fake = new FakeProducer();
    fake.autoAck = false;
    const batcher = new ProduceBatcher(fake.produce, options);
    const first = batcher.send('t', [message(1)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.requests).toHaveLength(1);
    const later = [batcher.send('t', [message(2)]), batcher.send('t', [message(3)])];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.requests).toHaveLength(1);
    fake.ack();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.requests).toHaveLength(2);
    fake.ack();
    await Promise.all(later);
    expect(fake.maxInFlight).toBe(1);
    expect(fake.values()).toEqual([message(1), message(2), message(3)].map((m) => m.value));
  });

  it('rejects only the callers whose messages were in the failed request', async () => {
    const fake = new FakeProducer();
    fake.autoAck = false;
    const batcher = new ProduceBatcher(fake.produce, options);
    const failed = batcher.send('t', [message(1)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const succeeded = batcher.send('t', [message(2)]);
    fake.fail(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(failed).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await new Promise((resolve) => setImmediate(resolve));
    fake.ack();
    await expect(succeeded).resolves.toBeUndefined();
  });

  it('drain waits for queued and in-flight messages', async () => {
    const fake = new FakeProducer();
    fake.autoAck = false;
    const batcher = new ProduceBatcher(fake.produce, { ...options, lingerMs: 1000 });
    const sent = batcher.send('t', [message(1)]);
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.requests).toHaveLength(1);
    expect(drained).toBe(false);
    fake.ack();
    await Promise.all([sent, draining]);
    expect(batcher.pending).toBe(0);
  });
});
