import { createLogger } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { type InboundSource, type InboundSourceHandlers } from '../inbound-source.port';
import { type LeaderLease } from './leader-lease.port';
import { LeaderOnlySource } from './leader-only-source.adapter';
import { MemoryLeaderLease } from './memory-leader-lease.adapter';

class CountingSource implements InboundSource {
  running = false;
  starts = 0;
  /** Starts that fail before this one succeeds (X refusing the stream's rules call, say). */
  failingStarts = 0;

  async start(): Promise<void> {
    this.starts += 1;
    if (this.failingStarts > 0) {
      this.failingStarts -= 1;
      throw new Error('X answered 503 to the rules call');
    }
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}

const handlers: InboundSourceHandlers = {
  onTweet: async () => undefined,
  onDirectMessage: async () => undefined,
  onProblem: () => undefined,
};

describe('LeaderOnlySource', () => {
  const logger = createLogger('test');
  const replica = (lease: LeaderLease, holder: string, source: CountingSource) =>
    new LeaderOnlySource([source], { lease, holder, ttlMs: 150, logger });

  it('runs the sources on one replica only, and on the standby once the leader stops', async () => {
    const lease = new MemoryLeaderLease();
    const [one, two] = [new CountingSource(), new CountingSource()];
    const first = replica(lease, 'one', one);
    const second = replica(lease, 'two', two);
    await first.start(handlers);
    await second.start(handlers);
    expect([one.running, two.running]).toEqual([true, false]);
    expect([first.counters.leader, second.counters.leader]).toEqual([1, 0]);

    await first.stop();
    expect(one.running).toBe(false);
    // The stop released the lease: the standby's next attempt (a third of the TTL) takes over.
    await waitFor('the standby to lead', () => two.running, 3_000);
    expect(second.counters).toMatchObject({ leader: 1, acquired: 1 });
    await second.stop();
  });

  it('stops its sources as soon as it learns the lease is gone, so two replicas never run them together', async () => {
    let stolen = false;
    const inner = new MemoryLeaderLease();
    // A lease whose renewals fail once "stolen": what a leader sees after a pause longer than its TTL.
    const lease: LeaderLease = {
      acquire: (holder, ttl) => inner.acquire(holder, ttl),
      renew: async (holder, ttl) => (stolen ? false : inner.renew(holder, ttl)),
      release: (holder) => inner.release(holder),
    };
    const source = new CountingSource();
    const leader = replica(lease, 'one', source);
    await leader.start(handlers);
    expect(source.running).toBe(true);
    stolen = true;
    await waitFor('the sources to stop', () => !source.running, 3_000);
    expect(leader.counters).toMatchObject({ leader: 0, lost: 1 });
    await leader.stop();
  });

  it('stands down when the lease cannot be checked at all (Redis unreachable)', async () => {
    let broken = false;
    const inner = new MemoryLeaderLease();
    const lease: LeaderLease = {
      acquire: (holder, ttl) => inner.acquire(holder, ttl),
      renew: async (holder, ttl) => {
        if (broken) throw new Error('connection refused');
        return inner.renew(holder, ttl);
      },
      release: (holder) => inner.release(holder),
    };
    const source = new CountingSource();
    const leader = replica(lease, 'one', source);
    await leader.start(handlers);
    broken = true;
    await waitFor('the sources to stop', () => !source.running, 3_000);
    broken = false;
    // Once the lease can be checked again and is free, it leads again.
    await waitFor('leading again', () => source.running, 3000);
    expect(source.starts).toBe(2);
    await leader.stop();
  });

  it('runs the other sources when one fails to start, and starts that one on a later tick, still leading', async () => {
    const lease = new MemoryLeaderLease();
    const stream = new CountingSource();
    stream.failingStarts = 2;
    const poll = new CountingSource();
    const leader = new LeaderOnlySource([stream, poll], { lease, holder: 'one', ttlMs: 150, logger });
    await leader.start(handlers);
    expect([stream.running, poll.running]).toEqual([false, true]);
    expect(leader.counters).toMatchObject({ leader: 1, startFailures: 1 });
    await waitFor('the stream to start on a later tick', () => stream.running, 3_000);
    expect(stream.starts).toBe(3);
    expect(poll.starts).toBe(1);
    expect(leader.counters).toMatchObject({ leader: 1, lost: 0, startFailures: 2 });
    await leader.stop();
    expect([stream.running, poll.running]).toEqual([false, false]);
  });
});
