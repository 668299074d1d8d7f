import { type OutboundCompletedPayload } from '@perch/contracts';

/** The claim is ours: post. `attempt` > 1 means an earlier holder may have posted before it vanished. */
export interface ClaimGranted {
  status: 'claimed';
  attempt: number;
}

/** The command was already carried out: its recorded result, to republish instead of posting again. */
export interface ClaimDone {
  status: 'done';
  result: OutboundCompletedPayload;
}

/** Another worker holds a live claim. */
export interface ClaimBusy {
  status: 'in-progress';
  /** ms until that claim's lease runs out if its holder never finishes. */
  leaseRemainingMs: number;
}

export type ClaimResult = ClaimGranted | ClaimDone | ClaimBusy;

export interface ReleaseOptions {
  /**
   * X was never asked to act (the worker waited for a rate-limit window, or X answered 429, which
   * refuses before doing anything): the attempt is taken back, so the next claim is not mistaken for
   * one whose predecessor may have acted, and X is not searched needlessly.
   */
  untouched?: boolean;
}

/**
 * At-most-once bookkeeping for outbound commands, keyed by command id.
 * Contract: testing/outbound-idempotency-store.contract.ts.
 */
export interface OutboundIdempotencyStore {
  /** Claims the command for `owner` for `leaseMs`, unless it is done or held by a live claim. */
  claim(commandId: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  /**
   * Records the command's result and drops the claim. The first recorded result wins and is returned,
   * so two workers that both posted (a lease that ran out) still publish one result.
   */
  complete(commandId: string, result: OutboundCompletedPayload): Promise<OutboundCompletedPayload>;
  /** Gives the claim up (the attempt failed transiently) so the retry need not wait for the lease. */
  release(commandId: string, owner: string, options?: ReleaseOptions): Promise<void>;
}
