import { describeDedupeStoreContract } from '../testing/dedupe-store-contract';
import { MemoryDedupeStore } from './memory-dedupe-store.adapter';

describeDedupeStoreContract('memory', () => new MemoryDedupeStore());

describe(MemoryDedupeStore.name, () => {
  it('stays within its capacity by forgetting the oldest ids', async () => {
    const store = new MemoryDedupeStore(2);
    await store.firstSeen('1');
    await store.firstSeen('2');
    await store.firstSeen('3');
    expect(await store.firstSeen('1')).toBe(true);
    expect(await store.firstSeen('3')).toBe(false);
  });
});
