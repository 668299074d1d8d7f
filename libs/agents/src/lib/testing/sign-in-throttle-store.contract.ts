import { randomUUID } from 'node:crypto';

import { type SignInThrottleStore } from '../sign-in-throttle-store.port';

export interface SignInThrottleStoreHarness {
  store: SignInThrottleStore;
  /** Lets `ms` pass for the store's windows (a fake clock, or real waiting for Redis expiries). */
  elapse(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Behaviour every SignInThrottleStore adapter must show; run by each adapter's spec. */
export function describeSignInThrottleStoreContract(name: string, factory: () => Promise<SignInThrottleStoreHarness>): void {
  describe(`SignInThrottleStore contract: ${name}`, () => {
    let harness: SignInThrottleStoreHarness;
    let store: SignInThrottleStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    it('reads a key that never failed as an empty window', async () => {
      expect(await store.read([`user:${randomUUID()}`])).toEqual([{ count: 0, resetInMs: 0 }]);
    });

    it('counts failures per key within one window that later hits do not extend', async () => {
      const key = `user:${randomUUID()}`;
      const [first] = await store.hit([{ key, windowMs: 60_000 }]);
      expect(first?.count).toBe(1);
      expect(first?.resetInMs).toBeGreaterThan(50_000);
      expect(first?.resetInMs).toBeLessThanOrEqual(60_000);
      await store.hit([{ key, windowMs: 600_000 }]);
      const [third] = await store.hit([{ key, windowMs: 600_000 }]);
      expect(third?.count).toBe(3);
      expect(third?.resetInMs).toBeLessThanOrEqual(60_000);
      const [read] = await store.read([key]);
      expect(read?.count).toBe(3);
      expect(read?.resetInMs).toBeGreaterThan(0);
    });

    it('counts several keys in one hit and reads them in the order asked', async () => {
      const user = `user:${randomUUID()}`;
      const address = `address:${randomUUID()}`;
      await store.hit([{ key: address, windowMs: 60_000 }]);
      const after = await store.hit([
        { key: user, windowMs: 60_000 },
        { key: address, windowMs: 60_000 },
      ]);
      expect(after.map((window) => window.count)).toEqual([1, 2]);
      expect((await store.read([address, user, `user:${randomUUID()}`])).map((window) => window.count)).toEqual([2, 1, 0]);
    });

    it('loses no count when many hits arrive at once', async () => {
      const key = `address:${randomUUID()}`;
      await Promise.all(Array.from({ length: 25 }, () => store.hit([{ key, windowMs: 60_000 }])));
      expect((await store.read([key]))[0]?.count).toBe(25);
    });

    it('starts again from zero once the window has passed', async () => {
      const key = `user:${randomUUID()}`;
      await store.hit([{ key, windowMs: 200 }]);
      await store.hit([{ key, windowMs: 200 }]);
      await harness.elapse(300);
      expect(await store.read([key])).toEqual([{ count: 0, resetInMs: 0 }]);
      expect((await store.hit([{ key, windowMs: 200 }]))[0]?.count).toBe(1);
    });

    it('forgets a key on reset and leaves the others', async () => {
      const user = `user:${randomUUID()}`;
      const address = `address:${randomUUID()}`;
      await store.hit([
        { key: user, windowMs: 60_000 },
        { key: address, windowMs: 60_000 },
      ]);
      await store.reset(user);
      expect((await store.read([user, address])).map((window) => window.count)).toEqual([0, 1]);
    });
  });
}
