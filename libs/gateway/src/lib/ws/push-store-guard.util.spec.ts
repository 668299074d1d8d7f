import { PushStoreGuard } from './push-store-guard.util';

const DEADLINE_MS = 40;
const RETRY_AFTER_MS = 120;

function guard(): PushStoreGuard {
  return new PushStoreGuard({ deadlineMs: DEADLINE_MS, retryAfterMs: RETRY_AFTER_MS });
}

/** A store call that never answers (a connection to a database that went away without a word). */
function hanging(): Promise<string> {
  return new Promise<string>(() => undefined);
}

async function refused(): Promise<string> {
  throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `promise` took to settle, in ms, with its value. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - start };
}

describe('PushStoreGuard', () => {
  it('gives the store’s answer when it comes within the deadline', async () => {
    const g = guard();

    await expect(g.attempt(async () => 'view')).resolves.toBe('view');
    await expect(g.attempt(async () => null)).resolves.toBeNull();
    expect(g.counts).toEqual({ done: 2, givenUp: 0, skipped: 0 });
  });

  it('stops waiting at the deadline for a store that does not answer', async () => {
    const g = guard();

    const { value, ms } = await timed(g.attempt(hanging));

    expect(value).toBeUndefined();
    // Bounded by the deadline, not by the call: generous upper bound for a busy machine.
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + 2_000);
    expect(g.counts.givenUp).toBe(1);
  });

  it('after a failure, does not call the store at all until the retry delay has passed', async () => {
    const g = guard();
    await g.attempt(refused);
    const call = jest.fn(async () => 'view');

    await expect(g.attempt(call)).resolves.toBeUndefined();
    await expect(g.attempt(call)).resolves.toBeUndefined();

    expect(call).not.toHaveBeenCalled();
    expect(g.counts).toEqual({ done: 0, givenUp: 1, skipped: 2 });
  });

  it('after a late call, later pushes do not wait for the store', async () => {
    const g = guard();
    await g.attempt(hanging);

    const call = jest.fn(hanging);

    await expect(g.attempt(call)).resolves.toBeUndefined();
    // Skipped, not waited for up to the deadline: the store was not even asked.
    expect(call).not.toHaveBeenCalled();
    expect(g.counts).toEqual({ done: 0, givenUp: 1, skipped: 1 });
  });

  it('tries the store again in the background after the delay, and waits for it again once it answers', async () => {
    const g = guard();
    await g.attempt(refused);
    await sleep(RETRY_AFTER_MS + 20);
    let answer: (value: string) => void = () => undefined;
    const probe = jest.fn(() => new Promise<string>((resolve) => (answer = resolve)));

    // The probe is made, but this push does not wait for it.
    await expect(g.attempt(probe)).resolves.toBeUndefined();
    expect(probe).toHaveBeenCalledTimes(1);
    // While it is out, the others skip the store rather than wait behind it.
    const other = jest.fn(async () => 'view');
    await expect(g.attempt(other)).resolves.toBeUndefined();
    expect(other).not.toHaveBeenCalled();

    answer('back');
    await sleep(5);
    await expect(g.attempt(async () => 'view')).resolves.toBe('view');
  });

  it('keeps skipping when the background try fails too, and tries again after another delay', async () => {
    const g = guard();
    await g.attempt(refused);
    await sleep(RETRY_AFTER_MS + 20);
    const stillDown = jest.fn(refused);
    await g.attempt(stillDown);
    await sleep(5);
    expect(stillDown).toHaveBeenCalledTimes(1);

    const call = jest.fn(async () => 'view');
    await expect(g.attempt(call)).resolves.toBeUndefined();
    expect(call).not.toHaveBeenCalled();

    await sleep(RETRY_AFTER_MS + 20);
    await g.attempt(async () => 'probe');
    await sleep(5);
    await expect(g.attempt(async () => 'view')).resolves.toBe('view');
  });
});
