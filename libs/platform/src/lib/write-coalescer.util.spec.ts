import { WriteCoalescer } from './write-coalescer.util';

describe(WriteCoalescer.name, () => {
  it('hands each submitter its own item\'s result from one write of everything submitted together', async () => {
    const writes: number[][] = [];
    const coalescer = new WriteCoalescer<number, number>(async (items) => {
      writes.push([...items]);
      return items.map((item) => item * 10);
    });

    const results = await Promise.all([1, 2, 3].map((item) => coalescer.submit(item)));

    expect(results).toEqual([10, 20, 30]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('refuses every item of a write that answered the wrong number of results, rather than mis-assign them', async () => {
    const coalescer = new WriteCoalescer<number, number>(async () => [1]);

    const results = await Promise.allSettled([coalescer.submit(1), coalescer.submit(2)]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('counts what waits, and drains to nothing', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const coalescer = new WriteCoalescer<number, void>(async (items) => {
      await gate;
      return items.map(() => undefined);
    });
    const first = coalescer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = coalescer.submit(2);

    expect(coalescer.pending).toBe(1);
    release();
    await coalescer.drain();
    expect(coalescer.pending).toBe(0);
    await Promise.all([first, second]);
  });
});
