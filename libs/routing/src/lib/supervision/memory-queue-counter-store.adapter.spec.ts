import { describeQueueCounterStoreContract } from '../testing/queue-counter-store.contract';
import { MemoryQueueCounterStore } from './memory-queue-counter-store.adapter';
import { zeroCounts } from './queue-counter-store.port';

describeQueueCounterStoreContract('MemoryQueueCounterStore', async () => ({ store: new MemoryQueueCounterStore(), dispose: async () => undefined }));

describe('MemoryQueueCounterStore expiry', () => {
  it('forgets marks and days after their time, as Redis keys expire', async () => {
    let now = 1_000;
    const store = new MemoryQueueCounterStore({ marksTtlMs: 100, dayTtlMs: 200 }, { now: () => now });
    const fact = { interactionId: 'i-1', mark: 'created', day: '2026-12-03', queue: { channel: 'public' as const }, add: { offered: 1 } };
    expect(await store.record(fact)).toBe('counted');
    now += 150;
    // The mark is gone, so the same fact counts again: the TTL must outlast redeliveries (days, not ms).
    expect(await store.record(fact)).toBe('counted');
    expect(await store.countsOn('2026-12-03')).toEqual([{ queue: { channel: 'public' }, counts: { ...zeroCounts(), offered: 2 } }]);
    now += 250;
    expect(await store.countsOn('2026-12-03')).toEqual([]);
  });
});
