import { randomUUID } from 'node:crypto';

import { waitFor } from '@perch/testing';

import { MemoryBroker, MemoryTransport } from '../memory/memory-transport.adapter';
import { type ConsumedMessage } from '../port/transport.port';
import { describeTransportContract } from '../testing/transport.contract';
import { NamespacedTransport } from './namespaced-transport.adapter';

const shared = new MemoryBroker({ redeliveryBackoffMs: 5 });

// A namespace must be invisible to whoever uses the transport: the same contract holds through it.
describeTransportContract('namespaced memory', () => new NamespacedTransport(new MemoryTransport({ broker: shared }), 'ns-a.'), {
  waitTimeoutMs: 4000,
});

describe(NamespacedTransport.name, () => {
  it('keeps two namespaces on one broker apart, and puts the namespace on the wire', async () => {
    const broker = new MemoryBroker();
    const raw = new MemoryTransport({ broker });
    const staging = new NamespacedTransport(new MemoryTransport({ broker }), 'staging.');
    const e2e = new NamespacedTransport(new MemoryTransport({ broker }), 'e2e.');
    for (const t of [raw, staging, e2e]) await t.connect();
    const topic = `orders-${randomUUID()}`;
    await staging.ensureTopics([{ name: topic, partitions: 1 }]);
    await e2e.ensureTopics([{ name: topic, partitions: 1 }]);

    const seenByE2e: ConsumedMessage[] = [];
    const onTheWire: ConsumedMessage[] = [];
    await e2e.consume({ groupId: 'reader', topics: [topic], fromBeginning: true }, async (m) => void seenByE2e.push(...m));
    await raw.consume({ groupId: 'wire', topics: [`staging.${topic}`], fromBeginning: true }, async (m) => void onTheWire.push(...m));
    await staging.send(topic, [{ key: 'k', value: 'from staging' }]);
    await e2e.send(topic, [{ key: 'k', value: 'from e2e' }]);

    await waitFor('one message each', () => seenByE2e.length === 1 && onTheWire.length === 1);
    expect(seenByE2e[0]).toMatchObject({ topic, value: 'from e2e' });
    expect(onTheWire[0]).toMatchObject({ topic: `staging.${topic}`, value: 'from staging' });
    for (const t of [raw, staging, e2e]) await t.disconnect();
  });
});
