import { randomUUID } from 'node:crypto';

import { type StandardResponse, type StandardResponseStore } from '../standard-responses/standard-response-store.port';

export interface StandardResponseStoreHarness {
  store: StandardResponseStore;
  dispose(): Promise<void>;
}

function response(title: string, extra: Partial<StandardResponse> = {}): StandardResponse {
  return { id: randomUUID(), title, text: `${title} text`, brand: null, language: 'en', category: 'general', createdBy: 'carol', createdAt: 1_000, updatedAt: 1_000, ...extra };
}

/** Behaviour every StandardResponseStore adapter must show (memory, PGlite, PostgreSQL server); run by each adapter's spec. */
export function describeStandardResponseStoreContract(name: string, factory: () => Promise<StandardResponseStoreHarness>): void {
  describe(`StandardResponseStore contract: ${name}`, () => {
    let harness: StandardResponseStoreHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('keeps a response with every field and finds it by id', async () => {
      const kept = await harness.store.create(response('Refund delay', { text: 'Hi {{customer.name}}, case {{case.number}}', brand: 'acme_support', language: 'pt-BR', category: 'billing' }));
      expect(await harness.store.get(kept.id)).toEqual(kept);
      expect(await harness.store.get(randomUUID())).toBeUndefined();
    });

    it('finds by words in title or text (any case, every word), by language, category and brand, brand-less ones for every brand', async () => {
      const a = await harness.store.create(response('Lost luggage', { text: 'We are tracing your bag', brand: 'acme_support', category: 'baggage' }));
      const b = await harness.store.create(response('Delayed flight', { text: 'Sorry for the delay', language: 'en', category: 'flights' }));
      const c = await harness.store.create(response('Bagagem extraviada', { text: 'Estamos a localizar a sua mala', brand: 'acme_support', language: 'pt', category: 'baggage' }));
      await harness.store.create(response('Other brand bag', { text: 'bag', brand: 'other_brand', category: 'baggage' }));
      const mine = { brands: ['acme_support'] };
      expect((await harness.store.search({ ...mine, q: 'LUGGAGE' })).map((r) => r.id)).toEqual([a.id]);
      expect((await harness.store.search({ ...mine, q: 'bag' })).map((r) => r.id)).toEqual([c.id, a.id]);
      expect((await harness.store.search({ ...mine, q: 'sorry delay' })).map((r) => r.id)).toEqual([b.id]);
      expect((await harness.store.search({ ...mine, q: '100%' })).map((r) => r.id)).toEqual([]);
      expect((await harness.store.search({ ...mine, category: 'baggage' })).map((r) => r.id)).toEqual([c.id, a.id]);
      expect((await harness.store.search({ ...mine, language: 'pt' })).map((r) => r.id)).toEqual([c.id]);
      expect((await harness.store.search({ brands: [] })).map((r) => r.id)).toEqual([b.id]);
      expect((await harness.store.search({ brands: '*', brand: 'other_brand' })).map((r) => r.title)).toEqual(['Delayed flight', 'Other brand bag']);
      expect(await harness.store.search({ brands: '*', limit: 2 })).toHaveLength(2);
    });

    it('updates only the fields given, and removes', async () => {
      const kept = await harness.store.create(response('Greeting'));
      const updated = await harness.store.update(kept.id, { title: 'Hello', brand: 'acme_support' }, 2_000);
      expect(updated).toEqual({ ...kept, title: 'Hello', brand: 'acme_support', updatedAt: 2_000 });
      expect(await harness.store.update(kept.id, { brand: null }, 3_000)).toMatchObject({ brand: null, title: 'Hello' });
      expect(await harness.store.update(randomUUID(), { title: 'x' }, 3_000)).toBeUndefined();
      expect(await harness.store.remove(kept.id)).toBe(true);
      expect(await harness.store.remove(kept.id)).toBe(false);
      expect(await harness.store.get(kept.id)).toBeUndefined();
    });
  });
}
