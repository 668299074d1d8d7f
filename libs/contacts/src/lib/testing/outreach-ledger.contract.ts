import { randomUUID } from 'node:crypto';

import { type OutreachClaim, type OutreachLedger } from '../outreach/outreach-ledger.port';

export interface OutreachLedgerHarness {
  ledger: OutreachLedger;
  dispose(): Promise<void>;
}

function claim(overrides: Partial<OutreachClaim> = {}): OutreachClaim {
  return { agentId: 'ada', key: randomUUID(), kind: 'email', interactionId: randomUUID(), fingerprint: 'f1', at: 1000, ...overrides };
}

/** Behaviour every OutreachLedger adapter must show: at most one claim per agent and key. */
export function describeOutreachLedgerContract(name: string, factory: () => Promise<OutreachLedgerHarness>): void {
  describe(`OutreachLedger contract: ${name}`, () => {
    let harness: OutreachLedgerHarness;
    let ledger: OutreachLedger;

    beforeEach(async () => {
      harness = await factory();
      ledger = harness.ledger;
      await ledger.start();
    });

    afterEach(async () => {
      await ledger.stop();
      await harness.dispose();
    });

    it('claims a key once: a second claim finds the first, pending, then its outcome', async () => {
      const first = claim();
      expect(await ledger.claim(first)).toEqual({ claimed: true });
      expect(await ledger.claim({ ...first, fingerprint: 'f2', at: 2000 })).toEqual({ claimed: false, existing: { ...first, status: 'pending' } });
      await ledger.settle(first.agentId, first.key, { status: 'done', result: { messageId: '<m@x>' } }, 1500);
      expect(await ledger.claim(first)).toEqual({ claimed: false, existing: { ...first, status: 'done', result: { messageId: '<m@x>' } } });
    });

    it('keeps the first outcome and never frees a settled key', async () => {
      const first = claim({ kind: 'call' });
      await ledger.claim(first);
      await ledger.settle(first.agentId, first.key, { status: 'failed', failure: { code: 'mail-refused', message: '550 no' } }, 1500);
      await ledger.settle(first.agentId, first.key, { status: 'done', result: {} }, 1600);
      await ledger.release(first.agentId, first.key);
      expect(await ledger.claim(first)).toEqual({ claimed: false, existing: { ...first, status: 'failed', failure: { code: 'mail-refused', message: '550 no' } } });
    });

    it('frees a released pending key for a retry, and keeps keys apart per agent', async () => {
      const first = claim();
      await ledger.claim(first);
      await ledger.release(first.agentId, first.key);
      expect(await ledger.claim(first)).toEqual({ claimed: true });
      expect(await ledger.claim({ ...first, agentId: 'bob' })).toEqual({ claimed: true });
    });

    it('lets exactly one of many racing claims of a key win', async () => {
      const first = claim();
      const results = await Promise.all(Array.from({ length: 8 }, () => ledger.claim(first)));
      expect(results.filter((result) => result.claimed)).toHaveLength(1);
    });
  });
}
