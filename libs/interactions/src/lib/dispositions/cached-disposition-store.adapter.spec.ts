import { describeDispositionStoreContract } from '../testing/disposition-store.contract';
import { CachedDispositionStore } from './cached-disposition-store.adapter';
import { MemoryDispositionStore } from './memory-disposition-store.adapter';

describeDispositionStoreContract('cached over memory', async () => ({ store: new CachedDispositionStore(new MemoryDispositionStore()), dispose: async () => undefined }));

describe(CachedDispositionStore.name, () => {
  function counted(): { inner: MemoryDispositionStore; reads: () => number } {
    const inner = new MemoryDispositionStore();
    const forBrand = jest.spyOn(inner, 'forBrand');
    return { inner, reads: () => forBrand.mock.calls.length };
  }

  it('answers the dones of one brand from memory for a while, with one read for all that ask at once', async () => {
    const { inner, reads } = counted();
    let now = 0;
    const store = new CachedDispositionStore(inner, { ttlMs: 2_000, now: () => now });
    await inner.addCode('acme', { code: 'resolved', label: 'Resolved' }, 1);

    await Promise.all(Array.from({ length: 20 }, () => store.forBrand('acme')));
    now = 1_999;
    expect((await store.forBrand('acme')).codes.map((code) => code.code)).toEqual(['resolved']);
    expect(reads()).toBe(1);

    now = 2_000;
    await store.forBrand('acme');
    expect(reads()).toBe(2);
  });

  it('applies a change made through it at once: a retired code is refused on the next done', async () => {
    const { inner } = counted();
    const store = new CachedDispositionStore(inner, { ttlMs: 60_000 });
    await store.addCode('acme', { code: 'resolved', label: 'Resolved' }, 1);
    expect((await store.forBrand('acme')).codes).toEqual([{ code: 'resolved', label: 'Resolved', retired: false }]);

    await store.updateCode('acme', 'resolved', { retired: true }, 2);
    expect((await store.forBrand('acme')).codes[0]?.retired).toBe(true);
    await store.setRequired('acme', true, 3);
    expect((await store.forBrand('acme')).required).toBe(true);
  });

  it('sees a change made elsewhere (another replica) within its time to live', async () => {
    const { inner } = counted();
    let now = 0;
    const store = new CachedDispositionStore(inner, { ttlMs: 2_000, now: () => now });
    expect((await store.forBrand('acme')).required).toBe(false);

    await inner.setRequired('acme', true, 1);
    now = 2_500;

    expect((await store.forBrand('acme')).required).toBe(true);
  });

  it('keeps no failed read: the next done asks the database again', async () => {
    const { inner, reads } = counted();
    const store = new CachedDispositionStore(inner);
    jest.spyOn(inner, 'forBrand').mockRejectedValueOnce(new Error('connection refused'));

    await expect(store.forBrand('acme')).rejects.toThrow('connection refused');
    await expect(store.forBrand('acme')).resolves.toMatchObject({ brand: 'acme' });
    expect(reads()).toBe(2);
  });

  it('hands each caller its own copy', async () => {
    const store = new CachedDispositionStore(new MemoryDispositionStore());
    await store.addCode('acme', { code: 'resolved', label: 'Resolved' }, 1);
    const first = await store.forBrand('acme');
    first.codes.length = 0;

    expect((await store.forBrand('acme')).codes).toHaveLength(1);
  });
});
