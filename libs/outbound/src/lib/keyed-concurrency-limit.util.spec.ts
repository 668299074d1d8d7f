import { ValidationFailedError } from '@perch/platform';

import { KeyedConcurrencyLimit } from './keyed-concurrency-limit.util';

/** A task that runs until the test ends it. */
function heldTask(log: string[], name: string): { task: () => Promise<string>; end: () => void } {
  let end: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    end: () => end(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(KeyedConcurrencyLimit.name, () => {
  it('runs at most `limit` tasks of one key at once; the others start in arrival order as slots free up', async () => {
    const limit = new KeyedConcurrencyLimit(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => heldTask(log, name));
    const results = tasks.map(({ task }) => limit.run('brand-1', task));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(limit.active('brand-1')).toBe(2);

    tasks[1]?.end();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0]?.end();
    tasks[2]?.end();
    tasks[3]?.end();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(limit.active('brand-1')).toBe(0);
  });

  it('never makes one key wait for another', async () => {
    const limit = new KeyedConcurrencyLimit(1);
    const log: string[] = [];
    const one = heldTask(log, 'brand-1');
    const other = heldTask(log, 'brand-2');
    const running = [limit.run('brand-1', one.task), limit.run('brand-2', other.task)];
    await tick();
    expect(log).toEqual(['start brand-1', 'start brand-2']);
    one.end();
    other.end();
    await Promise.all(running);
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new KeyedConcurrencyLimit(1);
    await expect(limit.run('brand-1', () => Promise.reject(new Error('X said 503')))).rejects.toThrow('X said 503');
    expect(await limit.run('brand-1', async () => 'next')).toBe('next');
    expect(limit.active('brand-1')).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (value) => {
    expect(() => new KeyedConcurrencyLimit(value)).toThrow(ValidationFailedError);
  });
});
