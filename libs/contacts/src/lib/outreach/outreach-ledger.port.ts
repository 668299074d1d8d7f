/** What an agent asked for on another channel: an email or a call request. */
export type OutreachKind = 'email' | 'call';

/** A request claimed under the agent's idempotency key, before anything is sent. */
export interface OutreachClaim {
  agentId: string;
  /** From the desktop: the same key on a retried request. */
  key: string;
  kind: OutreachKind;
  interactionId: string;
  /** What the request was (a hash of its fields): the same key with another request is refused. */
  fingerprint: string;
  at: number;
}

/** What became of a claimed request: done with its result, or failed with the reason (the result is replayed to a retry). */
export type OutreachOutcome =
  | { status: 'done'; result: Record<string, unknown> }
  | { status: 'failed'; failure: { code: string; message: string } };

export type OutreachRecord = OutreachClaim & ({ status: 'pending' } | OutreachOutcome);

/**
 * At most once per idempotency key: a request is claimed before it is carried out, so a retried POST finds the claim
 * (and, once settled, the outcome to answer again) instead of sending twice. Keys are the agent's own. Contract:
 * testing/outreach-ledger.contract.ts.
 */
export interface OutreachLedger {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Claims the key for this request, or returns what the key already holds (pending, done or failed). */
  claim(claim: OutreachClaim): Promise<{ claimed: true } | { claimed: false; existing: OutreachRecord }>;
  /** Records the outcome of a claimed request (the first one stays). */
  settle(agentId: string, key: string, outcome: OutreachOutcome, at: number): Promise<void>;
  /** Nothing was done (the transport was unreachable before sending): the key is free for a retry. */
  release(agentId: string, key: string): Promise<void>;
}
