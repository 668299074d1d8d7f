import { type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) in 32-bit integer arithmetic. kafkajs' own computes it with
 * BigInt-backed Longs whose products grow with the key (hundreds of bits for a UUID), 150 MB of garbage per
 * bench:e2e run in each of the router and the gateway; the low 32 bits, all a partition depends on, are the same.
 */
export function murmur2(key: Buffer): number {
  const length = key.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    // Java's murmur2 reads each 4 bytes little-endian into a signed int.
    let k = key.readInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= key.readUInt8(whole + 2) << 16;
  if (rest >= 2) h ^= key.readUInt8(whole + 1) << 8;
  if (rest >= 1) {
    h ^= key.readUInt8(whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** The key's bytes as kafkajs sends them (a string is UTF-8 encoded), with no copy for a Buffer. */
function keyBytes(key: Buffer | string): Buffer {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/**
 * kafkajs' DefaultPartitioner, partition for partition: a message's own partition when it names one; a key's
 * `murmur2(key) & 0x7fffffff` modulo the topic's partitions (Java clients map keys the same way); keyless messages
 * round-robin over the partitions that have a leader, from a random start per topic.
 */
export const Murmur2Partitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return (murmur2(keyBytes(message.key)) & 0x7fffffff) % partitionMetadata.length;
    }
    const next = (counters.get(topic) ?? Math.floor(Math.random() * 0x100000000)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    const chosen = available[(next & 0x7fffffff) % Math.max(1, available.length)];
    return chosen ? chosen.partitionId : (next & 0x7fffffff) % partitionMetadata.length;
  };
};
