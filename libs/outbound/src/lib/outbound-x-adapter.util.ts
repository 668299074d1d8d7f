import { RateLimitBudget, TwitterApiXAdapter } from '@perch/x-client';

import { OUTBOUND_MAX_INLINE_WAIT_MS } from './outbound.constants';

/**
 * The X client the outbound worker acts through, for every app that runs it. A reply waits for its brand's
 * rate-limit window only for less than the outbound claim's lease (30 s), so a replica that takes the partition
 * over meanwhile can never find the claim free and post the reply again.
 */
export function createOutboundXAdapter(options: { apiBaseUrl?: string | undefined } = {}): TwitterApiXAdapter {
  return new TwitterApiXAdapter({
    ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}),
    budget: new RateLimitBudget({ maxWaitMs: OUTBOUND_MAX_INLINE_WAIT_MS }),
  });
}
