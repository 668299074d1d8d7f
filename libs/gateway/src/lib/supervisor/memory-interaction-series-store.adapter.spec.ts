import { describeInteractionSeriesStoreContract } from '../testing/interaction-series-store.contract';
import { SERIES_BUCKET_MS } from './interaction-series-store.port';
import { MemoryInteractionSeriesStore } from './memory-interaction-series-store.adapter';

describeInteractionSeriesStoreContract('MemoryInteractionSeriesStore', async () => ({ store: new MemoryInteractionSeriesStore(), dispose: async () => undefined }));

describe('MemoryInteractionSeriesStore expiry', () => {
  it('forgets marks and buckets after their time, as Redis keys expire', async () => {
    let now = 1_000;
    const store = new MemoryInteractionSeriesStore({ marksTtlMs: 100, bucketTtlMs: 200 }, { now: () => now });
    const fact = { interactionId: 'i-1', mark: 'created', at: 0, add: { created: 1 } };
    expect(await store.record(fact)).toBe(true);
    now += 150;
    // The mark is gone, so the same fact counts again: the TTL must outlast redeliveries (days, not ms).
    expect(await store.record(fact)).toBe(true);
    expect((await store.bucketsBetween(0, SERIES_BUCKET_MS))[0]?.counts.created).toBe(2);
    now += 250;
    expect(await store.bucketsBetween(0, SERIES_BUCKET_MS)).toEqual([]);
  });
});
