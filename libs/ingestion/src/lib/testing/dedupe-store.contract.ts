import { randomUUID } from 'node:crypto';

import { type DedupeClaim, type DedupeStore } from '../dedupe/dedupe-store.port';

export interface DedupeStoreContractOptions {
  /** The claim TTL the adapter must honour; the suite waits it out to see a crashed holder's claim lapse. */
  claimTtlMs: number;
}

const CLAIM_TTL_MS = 300;

function tokenOf(claim: DedupeClaim): string {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim.token;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every DedupeStore adapter must have. */
export function describeDedupeStoreContract(name: string, factory: (options: DedupeStoreContractOptions) => Promise<DedupeStore> | DedupeStore): void {
  describe(`DedupeStore contract: ${name}`, () => {
    let store: DedupeStore;
    beforeEach(async () => {
      store = await factory({ claimTtlMs: CLAIM_TTL_MS });
    });

    it('claims a new id, reports it in flight while claimed, and as published once marked', async () => {
      const id = randomUUID();
      expect(await store.claim(id)).toEqual({ status: 'claimed', token: expect.any(String) });
      const inFlight = await store.claim(id);
      expect(inFlight).toEqual({ status: 'in-flight', retryInMs: expect.any(Number) });
      if (inFlight.status === 'in-flight') {
        expect(inFlight.retryInMs).toBeGreaterThan(0);
        expect(inFlight.retryInMs).toBeLessThanOrEqual(CLAIM_TTL_MS);
      }
      await store.markPublished(id);
      expect(await store.claim(id)).toEqual({ status: 'published' });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const id = randomUUID();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claim(id)));
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'in-flight')).toHaveLength(19);
    });

    it('lets a released claim be claimed again, so that a failed publish is retried', async () => {
      const id = randomUUID();
      await store.release(id, tokenOf(await store.claim(id)));
      expect((await store.claim(id)).status).toBe('claimed');
    });

    it('lets a claim that was never marked lapse after the claim TTL, so a crashed holder loses nothing', async () => {
      const id = randomUUID();
      await store.claim(id);
      const inFlight = await store.claim(id);
      await sleep((inFlight.status === 'in-flight' ? inFlight.retryInMs : CLAIM_TTL_MS) + 50);
      expect((await store.claim(id)).status).toBe('claimed');
    });

    it('keeps a published id well past the claim TTL', async () => {
      const id = randomUUID();
      await store.claim(id);
      await store.markPublished(id);
      await sleep(CLAIM_TTL_MS + 50);
      expect(await store.claim(id)).toEqual({ status: 'published' });
    });

    it('releases only the caller’s own claim: never a published mark, nor a claim taken after its own lapsed', async () => {
      const published = randomUUID();
      const token = tokenOf(await store.claim(published));
      await store.markPublished(published);
      await store.release(published, token);
      expect(await store.claim(published)).toEqual({ status: 'published' });

      const retaken = randomUUID();
      const stale = tokenOf(await store.claim(retaken));
      await sleep(CLAIM_TTL_MS + 50);
      tokenOf(await store.claim(retaken));
      await store.release(retaken, stale);
      expect((await store.claim(retaken)).status).toBe('in-flight');
    });
  });
}
