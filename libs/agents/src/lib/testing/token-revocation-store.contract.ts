import { randomUUID } from 'node:crypto';

import { type Clock } from '@perch/platform';

import { type TokenRef, type TokenRevocationStore } from '../token-revocation-store.port';

export interface TokenRevocationStoreHarness {
  store: TokenRevocationStore;
  /** The clock the store measures lifetimes against (ms since epoch). */
  now(): number;
  /** Lets `ms` pass for the store's expiries (a fake clock, or real waiting for Redis expiries). */
  elapse(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A harness on a fake clock from `startAt`: time passes only when the contract lets it (elapse), so expiries are
 * exact and instant. `open` builds (and starts) the store on that clock.
 */
export async function fakeClockHarness(
  startAt: number,
  open: (clock: Clock) => Promise<Pick<TokenRevocationStoreHarness, 'store' | 'dispose'>>,
): Promise<TokenRevocationStoreHarness> {
  let now = startAt;
  const clock: Clock = { now: () => now };
  const { store, dispose } = await open(clock);
  return {
    store,
    now: clock.now,
    elapse: async (ms) => {
      now += ms;
    },
    dispose,
  };
}

/** Behaviour every TokenRevocationStore adapter must show; run by each adapter's spec. */
export function describeTokenRevocationStoreContract(name: string, factory: () => Promise<TokenRevocationStoreHarness>): void {
  describe(`TokenRevocationStore contract: ${name}`, () => {
    let harness: TokenRevocationStoreHarness;
    let store: TokenRevocationStore;
    const token = (agentId: string, issuedAt = harness.now()): TokenRef => ({ tokenId: randomUUID(), agentId, issuedAt });

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      await harness.dispose();
    });

    it('answers an empty question with an empty set', async () => {
      expect(await store.revokedAmong([])).toEqual(new Set());
    });

    it('reports a revoked token and none of the others', async () => {
      const agentId = `agent-${randomUUID()}`;
      const [revoked, kept, other] = [token(agentId), token(agentId), token(`agent-${randomUUID()}`)];
      await store.revoke(revoked.tokenId, harness.now() + 60_000);
      expect(await store.revokedAmong([kept, revoked, other])).toEqual(new Set([revoked.tokenId]));
    });

    it('forgets a revocation once the token would have expired anyway', async () => {
      const revoked = token(`agent-${randomUUID()}`);
      await store.revoke(revoked.tokenId, harness.now() + 200);
      await harness.elapse(300);
      expect(await store.revokedAmong([revoked])).toEqual(new Set());
    });

    it('ignores the revocation of a token that has already expired', async () => {
      const expired = token(`agent-${randomUUID()}`);
      await store.revoke(expired.tokenId, harness.now() - 1);
      expect(await store.revokedAmong([expired])).toEqual(new Set());
    });

    it('revokes all of an agent’s tokens issued up to a time, not later ones nor other agents’', async () => {
      const agentId = `agent-${randomUUID()}`;
      const cutoff = harness.now();
      const older = token(agentId, cutoff - 5_000);
      const atCutoff = token(agentId, cutoff);
      const newer = token(agentId, cutoff + 1);
      const someoneElse = token(`agent-${randomUUID()}`, cutoff - 5_000);
      await store.revokeAllFor(agentId, cutoff, 60_000);
      expect(await store.revokedAmong([older, atCutoff, newer, someoneElse])).toEqual(new Set([older.tokenId, atCutoff.tokenId]));
    });

    it('never moves an agent’s cut-off earlier', async () => {
      const agentId = `agent-${randomUUID()}`;
      const cutoff = harness.now();
      await store.revokeAllFor(agentId, cutoff, 60_000);
      await store.revokeAllFor(agentId, cutoff - 10_000, 60_000);
      const between = token(agentId, cutoff - 5_000);
      expect(await store.revokedAmong([between])).toEqual(new Set([between.tokenId]));
    });

    it('forgets an agent’s cut-off after the time it was asked to remember it', async () => {
      const agentId = `agent-${randomUUID()}`;
      const old = token(agentId, harness.now() - 1_000);
      await store.revokeAllFor(agentId, harness.now(), 200);
      await harness.elapse(300);
      expect(await store.revokedAmong([old])).toEqual(new Set());
    });

    it('checks many tokens of many agents at once', async () => {
      const agents = Array.from({ length: 5 }, () => `agent-${randomUUID()}`);
      const tokens = agents.flatMap((agentId) => [token(agentId), token(agentId)]);
      const revoked = tokens.filter((_, index) => index % 3 === 0);
      await Promise.all(revoked.map((t) => store.revoke(t.tokenId, harness.now() + 60_000)));
      expect(await store.revokedAmong(tokens)).toEqual(new Set(revoked.map((t) => t.tokenId)));
    });
  });
}
