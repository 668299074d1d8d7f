import { getEventListeners, getMaxListeners } from 'node:events';

import { linkAbortSignals, SHARED_SIGNAL_MAX_LISTENERS, sharedAbortController } from './linked-abort-signal.util';

describe(linkAbortSignals.name, () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const stop = new AbortController();
    const revoke = new AbortController();
    const linked = linkAbortSignals([revoke.signal, stop.signal]);
    expect(linked.signal.aborted).toBe(false);
    const reason = new Error('partition revoked');
    revoke.abort(reason);
    stop.abort(new Error('stopping'));
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe(reason);
    linked.release();
  });

  it('starts aborted when a source already is', () => {
    const stopped = new AbortController();
    stopped.abort(new Error('stopped'));
    const linked = linkAbortSignals([new AbortController().signal, stopped.signal]);
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe(stopped.signal.reason);
  });

  it('detaches on release: 100,000 links leave no listener on a long-lived source, and its abort reaches none of them', () => {
    const longLived = new AbortController();
    const released: AbortSignal[] = [];
    for (let i = 0; i < 100_000; i += 1) {
      const linked = linkAbortSignals([new AbortController().signal, longLived.signal]);
      linked.release();
      if (i % 10_000 === 0) released.push(linked.signal);
    }
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
    longLived.abort();
    expect(released.some((signal) => signal.aborted)).toBe(false);
  });

  it('detaches from the other sources once one aborts', () => {
    const stop = new AbortController();
    const revoke = new AbortController();
    linkAbortSignals([revoke.signal, stop.signal]);
    revoke.abort();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});

describe(sharedAbortController.name, () => {
  it('takes any number of links at once without Node’s leak warning (a plain signal warns at 10), and still lets every one go', () => {
    const plain = new AbortController();
    expect(getMaxListeners(plain.signal)).toBe(10);
    const shared = sharedAbortController();
    expect(getMaxListeners(shared.signal)).toBe(SHARED_SIGNAL_MAX_LISTENERS);
    const links = Array.from({ length: 40 }, () => linkAbortSignals([shared.signal]));
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(40);
    for (const link of links) link.release();
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });
});
