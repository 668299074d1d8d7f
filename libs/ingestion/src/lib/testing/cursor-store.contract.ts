import { randomUUID } from 'node:crypto';

import { type CursorStore } from '../cursor/cursor-store.port';

/** The behaviour every CursorStore adapter must have. */
export function describeCursorStoreContract(name: string, factory: () => Promise<CursorStore> | CursorStore): void {
  describe(`CursorStore contract: ${name}`, () => {
    let store: CursorStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('has no cursor for a source it never saw', async () => {
      expect(await store.get(`mentions:${randomUUID()}`)).toBeUndefined();
    });

    it('moves forward and never back', async () => {
      const key = `mentions:${randomUUID()}`;
      await store.advance(key, '1500000000000000000');
      await store.advance(key, '1499999999999999999');
      expect(await store.get(key)).toBe('1500000000000000000');
      await store.advance(key, '1500000000000000001');
      expect(await store.get(key)).toBe('1500000000000000001');
    });

    it('compares ids as numbers, not as text', async () => {
      const key = `mentions:${randomUUID()}`;
      await store.advance(key, '999');
      await store.advance(key, '1000');
      expect(await store.get(key)).toBe('1000');
    });

    it('keeps the newest of concurrent advances', async () => {
      const key = `mentions:${randomUUID()}`;
      const ids = Array.from({ length: 30 }, (_, i) => String(1_800_000_000_000_000_000n + BigInt(i)));
      await Promise.all([...ids].reverse().map((id) => store.advance(key, id)));
      expect(await store.get(key)).toBe(ids[ids.length - 1]);
    });
  });
}
