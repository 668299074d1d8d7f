import { type OutreachClaim, type OutreachLedger, type OutreachOutcome, type OutreachRecord } from './outreach-ledger.port';

/** OutreachLedger in memory: tests, and a gateway without a database for contacts (one replica). */
export class MemoryOutreachLedger implements OutreachLedger {
  private readonly records = new Map<string, OutreachRecord>();

  async start(): Promise<void> {
    // Nothing to create.
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }

  async claim(claim: OutreachClaim): Promise<{ claimed: true } | { claimed: false; existing: OutreachRecord }> {
    const id = keyOf(claim.agentId, claim.key);
    const existing = this.records.get(id);
    if (existing) return { claimed: false, existing: { ...existing } };
    this.records.set(id, { ...claim, status: 'pending' });
    return { claimed: true };
  }

  async settle(agentId: string, key: string, outcome: OutreachOutcome, _at: number): Promise<void> {
    const id = keyOf(agentId, key);
    const existing = this.records.get(id);
    if (existing?.status !== 'pending') return;
    const { status: _pending, ...claim } = existing;
    this.records.set(id, { ...claim, ...outcome });
  }

  async release(agentId: string, key: string): Promise<void> {
    const id = keyOf(agentId, key);
    if (this.records.get(id)?.status === 'pending') this.records.delete(id);
  }
}

function keyOf(agentId: string, key: string): string {
  return `${agentId}\u0000${key}`;
}
