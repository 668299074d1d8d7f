import { isChannel } from '../priority.util';
import { type AgentRecord, type ChannelCounts } from '../routing.types';
import { type AgentSnapshot, type QueueRef } from './routing-snapshot-reader.port';

/**
 * A queue's key: the router's group `<channel>:<byte length of skill>:<skill>:` (skill '' when none is required),
 * the same string its Redis indexes use. The length makes one key never the prefix of another, so a key can be
 * followed by more text (a counter's name) and still be read back.
 */
export function queueKeyOf(queue: QueueRef): string {
  const skill = queue.skill ?? '';
  return `${queue.channel}:${Buffer.byteLength(skill)}:${skill}:`;
}

/** The queue a key starts with and what follows it; undefined when the text does not start with a key. */
export function splitQueueKey(text: string): { queue: QueueRef; rest: string } | undefined {
  const match = /^([a-z]+):(\d{1,6}):/.exec(text);
  if (!match?.[1] || !match[2] || !isChannel(match[1])) return undefined;
  const bytes = Buffer.from(text.slice(match[0].length), 'utf8');
  const length = Number(match[2]);
  if (bytes.length < length + 1 || bytes[length] !== 0x3a) return undefined;
  const skill = bytes.subarray(0, length).toString('utf8');
  const rest = bytes.subarray(length + 1).toString('utf8');
  return { queue: { channel: match[1], ...(skill === '' ? {} : { skill }) }, rest };
}

/** Whole-key parse: undefined unless `key` is exactly one queue key. */
export function queueOfKey(key: string): QueueRef | undefined {
  const split = splitQueueKey(key);
  return split && split.rest === '' ? split.queue : undefined;
}

/** By channel, then skill, in byte order (the order of the keys in Redis); both adapters sort alike. */
export function compareQueues(a: QueueRef, b: QueueRef): number {
  return Buffer.compare(Buffer.from(queueKeyOf(a)), Buffer.from(queueKeyOf(b)));
}

/** What supervisors see of an agent record, with the per-channel loads every store keeps. */
export function agentSnapshotOf(record: AgentRecord, loadByChannel: ChannelCounts): AgentSnapshot {
  return {
    agentId: record.agentId,
    state: record.state,
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    stateSince: record.stateSince,
    capacity: record.capacity,
    capacityByChannel: record.capacityByChannel ?? { public: record.capacity, dm: record.capacity },
    load: record.load,
    loadByChannel,
    skills: record.skills,
  };
}
