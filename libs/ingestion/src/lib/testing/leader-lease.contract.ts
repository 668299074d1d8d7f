import { randomUUID } from 'node:crypto';

import { type LeaderLease } from '../leadership/leader-lease.port';

/** The behaviour every LeaderLease adapter must have; run by the memory spec and the Redis integration spec. */
export function describeLeaderLeaseContract(name: string, factory: () => LeaderLease | Promise<LeaderLease>): void {
  describe(`LeaderLease contract: ${name}`, () => {
    let lease: LeaderLease;
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;

    beforeEach(async () => {
      lease = await factory();
    });

    it('grants the lease to one holder at a time, and again to the holder that has it', async () => {
      expect(await lease.acquire(a, 10_000)).toBe(true);
      expect(await lease.acquire(b, 10_000)).toBe(false);
      expect(await lease.acquire(a, 10_000)).toBe(true);
    });

    it('renews only for its holder', async () => {
      await lease.acquire(a, 10_000);
      expect(await lease.renew(a, 10_000)).toBe(true);
      expect(await lease.renew(b, 10_000)).toBe(false);
    });

    it('lets another holder take over at once after a release, and ignores a release by a non-holder', async () => {
      await lease.acquire(a, 10_000);
      await lease.release(b);
      expect(await lease.acquire(b, 10_000)).toBe(false);
      await lease.release(a);
      expect(await lease.acquire(b, 10_000)).toBe(true);
      expect(await lease.renew(a, 10_000)).toBe(false);
    });

    it('lapses when its holder stops renewing, so a crashed holder is replaced', async () => {
      await lease.acquire(a, 150);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await lease.acquire(b, 10_000)).toBe(true);
      expect(await lease.renew(a, 10_000)).toBe(false);
    });
  });
}
