import { describeDedupeStoreContract } from '../testing/dedupe-store.contract';
import { MemoryDedupeStore } from './memory-dedupe-store.adapter';

describeDedupeStoreContract('memory', ({ claimTtlMs }) => new MemoryDedupeStore({ claimTtlMs }));

describe(MemoryDedupeStore.name, () => {
  it('stays within its capacity by forgetting the oldest ids', async () => {
    const store = new MemoryDedupeStore({ capacity: 2 });
    for (const id of ['1', '2', '3']) {
      await store.claim(id);
      await store.markPublished(id);
    }
    expect((await store.claim('1')).status).toBe('claimed');
    expect(await store.claim('3')).toEqual({ status: 'published' });
  });

  it('lets a claim lapse by its clock, not by the wall clock', async () => {
    let now = 1_000;
    const store = new MemoryDedupeStore({ claimTtlMs: 30_000, clock: { now: () => now } });
    await store.claim('1');
    expect(await store.claim('1')).toEqual({ status: 'in-flight', retryInMs: 30_000 });
    now += 30_000;
    expect((await store.claim('1')).status).toBe('claimed');
  });
});
