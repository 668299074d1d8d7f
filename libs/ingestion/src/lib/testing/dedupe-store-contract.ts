import { randomUUID } from 'node:crypto';

import { type DedupeStore } from '../dedupe/dedupe-store.port';

/** The behaviour every DedupeStore adapter must have. */
export function describeDedupeStoreContract(name: string, factory: () => Promise<DedupeStore> | DedupeStore): void {
  describe(`DedupeStore contract: ${name}`, () => {
    let store: DedupeStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('reports an id as new only the first time', async () => {
      const id = randomUUID();
      expect(await store.firstSeen(id)).toBe(true);
      expect(await store.firstSeen(id)).toBe(false);
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const id = randomUUID();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.firstSeen(id)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('forgets an id so that a failed publish can be retried', async () => {
      const id = randomUUID();
      await store.firstSeen(id);
      await store.forget(id);
      expect(await store.firstSeen(id)).toBe(true);
    });
  });
}
