import { MemoryRoutingStore } from '../store/memory/memory-routing-store.adapter';
import { describeRoutingSnapshotReaderContract } from '../testing/routing-snapshot-reader.contract';
import { compareQueues, queueKeyOf, queueOfKey, splitQueueKey } from './routing-snapshot.util';

describeRoutingSnapshotReaderContract('MemoryRoutingStore', async (options) => {
  const store = new MemoryRoutingStore('snapshots', options);
  return { reader: store, store, dispose: async () => undefined };
});

describe('queue keys', () => {
  it('writes a queue as the router names its group, and reads it back whatever bytes the skill holds', () => {
    expect(queueKeyOf({ channel: 'public' })).toBe('public:0::');
    expect(queueKeyOf({ channel: 'dm', skill: 'langue:fr' })).toBe('dm:9:langue:fr:');
    for (const queue of [{ channel: 'public' as const }, { channel: 'dm' as const, skill: 'a:b:' }, { channel: 'public' as const, skill: 'café' }]) {
      expect(queueOfKey(queueKeyOf(queue))).toEqual(queue);
    }
  });

  it('finds where a key ends, so a counter name may follow it', () => {
    expect(splitQueueKey(`${queueKeyOf({ channel: 'dm', skill: 'x:1:' })}answered`)).toEqual({ queue: { channel: 'dm', skill: 'x:1:' }, rest: 'answered' });
    expect(splitQueueKey('voice:0::answered')).toBeUndefined();
    expect(splitQueueKey('public:5:ab:')).toBeUndefined();
    expect(queueOfKey('public:0::extra')).toBeUndefined();
  });

  it('orders queues by channel, then skill', () => {
    const sorted = [{ channel: 'public' as const, skill: 'b' }, { channel: 'public' as const }, { channel: 'dm' as const }].sort(compareQueues);
    expect(sorted).toEqual([{ channel: 'dm' }, { channel: 'public' }, { channel: 'public', skill: 'b' }]);
  });
});
