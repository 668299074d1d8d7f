import { InteractionErrorCode } from '../interactions.errors';
import { type DispositionStore } from '../dispositions/disposition-store.port';

export interface DispositionStoreHarness {
  store: DispositionStore;
  dispose(): Promise<void>;
}

/** Behaviour every DispositionStore adapter must show (memory, PGlite, PostgreSQL server); run by each adapter's spec. */
export function describeDispositionStoreContract(name: string, factory: () => Promise<DispositionStoreHarness>): void {
  describe(`DispositionStore contract: ${name}`, () => {
    let harness: DispositionStoreHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('answers a brand with no codes as not required and empty', async () => {
      expect(await harness.store.forBrand('acme_support')).toEqual({ brand: 'acme_support', required: false, codes: [] });
    });

    it("keeps each brand's codes apart, sorted by code, and refuses a code the brand has (disposition-exists)", async () => {
      await harness.store.addCode('acme_support', { code: 'resolved', label: 'Resolved' }, 1_000);
      await harness.store.addCode('acme_support', { code: 'escalated', label: 'Escalated to tier 2' }, 1_000);
      await harness.store.addCode('other_brand', { code: 'resolved', label: 'Done' }, 1_000);
      await expect(harness.store.addCode('acme_support', { code: 'resolved', label: 'Again' }, 2_000)).rejects.toMatchObject({
        kind: 'conflict',
        code: InteractionErrorCode.DispositionExists,
      });
      expect(await harness.store.forBrand('acme_support')).toEqual({
        brand: 'acme_support',
        required: false,
        codes: [
          { code: 'escalated', label: 'Escalated to tier 2', retired: false },
          { code: 'resolved', label: 'Resolved', retired: false },
        ],
      });
      expect((await harness.store.forBrand('other_brand')).codes).toEqual([{ code: 'resolved', label: 'Done', retired: false }]);
    });

    it('renames and retires a code, restores it, and answers undefined for a code the brand lacks', async () => {
      await harness.store.addCode('acme_support', { code: 'refund', label: 'Refund' }, 1_000);
      expect(await harness.store.updateCode('acme_support', 'refund', { label: 'Refund issued' }, 2_000)).toEqual({ code: 'refund', label: 'Refund issued', retired: false });
      expect(await harness.store.updateCode('acme_support', 'refund', { retired: true }, 3_000)).toEqual({ code: 'refund', label: 'Refund issued', retired: true });
      expect(await harness.store.updateCode('acme_support', 'refund', { retired: false }, 4_000)).toEqual({ code: 'refund', label: 'Refund issued', retired: false });
      expect(await harness.store.updateCode('other_brand', 'refund', { retired: true }, 5_000)).toBeUndefined();
    });

    it('keeps whether a brand requires a disposition, and changes it', async () => {
      expect((await harness.store.setRequired('acme_support', true, 1_000)).required).toBe(true);
      expect((await harness.store.forBrand('acme_support')).required).toBe(true);
      expect((await harness.store.forBrand('other_brand')).required).toBe(false);
      expect((await harness.store.setRequired('acme_support', false, 2_000)).required).toBe(false);
    });
  });
}
