import { randomBytes, randomUUID } from 'node:crypto';

import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';

import { murmur2, Murmur2Partitioner } from './murmur2-partitioner.util';

function partitions(count: number, leaderless: readonly number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }));
}

function args(topic: string, count: number, key: string | Buffer | null, partition?: number): PartitionerArgs {
  return { topic, partitionMetadata: partitions(count), message: { key, value: 'v', ...(partition === undefined ? {} : { partition }) } };
}

describe('murmur2', () => {
  // Apache Kafka's own vectors (clients' UtilsTest.testMurmur2): Java clients put these keys where we do.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });
});

describe('Murmur2Partitioner', () => {
  it('puts every key on the partition kafkajs’ DefaultPartitioner chose, for any key and partition count', () => {
    const ours = Murmur2Partitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: (string | Buffer)[] = ['', 'a', 'ab', 'abc', 'abcd', 'brand:é✓', '1729438812345678901'];
    for (let i = 0; i < 2_000; i++) keys.push(i % 3 === 0 ? randomBytes(i % 97) : i % 3 === 1 ? randomUUID() : `conv-${i}-${randomBytes(i % 13).toString('base64')}`);

    for (const [i, key] of keys.entries()) {
      const count = 1 + (i % 64);
      expect(ours(args('t', count, key))).toBe(theirs(args('t', count, key)));
    }
  });

  it('keeps a partition the message names', () => {
    expect(Murmur2Partitioner()(args('t', 8, 'key', 5))).toBe(5);
  });

  it('spreads keyless messages round-robin over the partitions that have a leader', () => {
    const partitioner = Murmur2Partitioner();
    const seen = Array.from({ length: 12 }, () =>
      partitioner({ topic: 't', partitionMetadata: partitions(4, [2]), message: { key: null, value: 'v' } }),
    );

    expect(new Set(seen)).toEqual(new Set([0, 1, 3]));
    expect(seen.slice(3)).toEqual([...seen.slice(0, 9)]);
  });
});
