import { randomUUID } from 'node:crypto';

import { type OutboundCompletedPayload } from '@perch/contracts';

import { type OutboundIdempotencyStore } from '../outbound-idempotency-store.port';

export interface OutboundIdempotencyStoreHarness {
  store: OutboundIdempotencyStore;
  /** Lets `ms` pass for the store's leases (a fake clock, or real waiting for Redis expiries). */
  elapse(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/** X's answer to a reply, as a store keeps it: only its identity matters here. */
function sentReply(commandId: string, tweetId = '1790000000000000100'): OutboundCompletedPayload {
  const sent = { kind: 'reply', status: 'sent', brandAccountId: '1001', agentId: 'agent-1', text: '@dana_flies we are on it' } as const;
  return { ...sent, commandId, interactionId: randomUUID(), tweetId, completedAt: 1_760_000_002_000 };
}

/** Behaviour every OutboundIdempotencyStore adapter must show; run by each adapter's spec. */
export function describeOutboundIdempotencyStoreContract(
  name: string,
  factory: () => Promise<OutboundIdempotencyStoreHarness>,
): void {
  describe(`OutboundIdempotencyStore contract: ${name}`, () => {
    let harness: OutboundIdempotencyStoreHarness;
    let store: OutboundIdempotencyStore;
    const lease = 200;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    it('grants the first claim on a command', async () => {
      expect(await store.claim(randomUUID(), 'worker-a', lease)).toEqual({ status: 'claimed', attempt: 1 });
    });

    it('refuses a second claim while the first is held', async () => {
      const commandId = randomUUID();
      await store.claim(commandId, 'worker-a', 60_000);
      const second = await store.claim(commandId, 'worker-b', 60_000);
      expect(second.status).toBe('in-progress');
      if (second.status === 'in-progress') {
        expect(second.leaseRemainingMs).toBeGreaterThan(0);
        expect(second.leaseRemainingMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('answers every later claim with the recorded result', async () => {
      const commandId = randomUUID();
      const result = sentReply(commandId);
      await store.claim(commandId, 'worker-a', lease);
      expect(await store.complete(commandId, result)).toEqual(result);
      expect(await store.claim(commandId, 'worker-b', lease)).toEqual({ status: 'done', result });
      expect(await store.claim(commandId, 'worker-a', lease)).toEqual({ status: 'done', result });
    });

    it('keeps the first result when a command is completed twice', async () => {
      const commandId = randomUUID();
      const first = sentReply(commandId, '111');
      const second = sentReply(commandId, '222');
      await store.complete(commandId, first);
      expect(await store.complete(commandId, second)).toEqual(first);
      expect(await store.claim(commandId, 'worker-a', lease)).toEqual({ status: 'done', result: first });
    });

    it('lets a released claim be taken again at once, counting the attempt', async () => {
      const commandId = randomUUID();
      await store.claim(commandId, 'worker-a', 60_000);
      await store.release(commandId, 'worker-a');
      expect(await store.claim(commandId, 'worker-b', 60_000)).toEqual({ status: 'claimed', attempt: 2 });
    });

    it('takes the attempt back when the released claim never reached X', async () => {
      const commandId = randomUUID();
      await store.claim(commandId, 'worker-a', 60_000);
      await store.release(commandId, 'worker-a', { untouched: true });
      expect(await store.claim(commandId, 'worker-b', 60_000)).toEqual({ status: 'claimed', attempt: 1 });
      await store.release(commandId, 'worker-b');
      expect(await store.claim(commandId, 'worker-c', 60_000)).toEqual({ status: 'claimed', attempt: 2 });
      // Another worker's untouched release of a claim it does not hold changes nothing.
      await store.release(commandId, 'worker-a', { untouched: true });
      expect((await store.claim(commandId, 'worker-d', 60_000)).status).toBe('in-progress');
    });

    it("ignores a release by a worker that does not hold the claim", async () => {
      const commandId = randomUUID();
      await store.claim(commandId, 'worker-a', 60_000);
      await store.release(commandId, 'worker-b');
      expect((await store.claim(commandId, 'worker-c', 60_000)).status).toBe('in-progress');
    });

    it("lets another worker take over a crashed worker's claim once its lease runs out", async () => {
      const commandId = randomUUID();
      await store.claim(commandId, 'crashed-worker', lease);
      await harness.elapse(lease + 100);
      expect(await store.claim(commandId, 'worker-b', lease)).toEqual({ status: 'claimed', attempt: 2 });
    });

    it('keeps commands apart', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await store.complete(a, sentReply(a));
      expect(await store.claim(b, 'worker-a', lease)).toEqual({ status: 'claimed', attempt: 1 });
    });
  });
}
