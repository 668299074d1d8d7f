import { type EventBus } from '@perch/messaging';
import { type Clock } from '@perch/platform';
import { type BrandAccount, type LookupUserQuery, type XUserProfile } from '@perch/x-client';

import { type DeferredOutboundStore } from './deferred-outbound-store.port';
import { type OutboundIdempotencyStore } from './outbound-idempotency-store.port';
import { type XActionsPort } from './x-actions.port';

/** Profile lookups for the desktop, from @perch/x-client. */
export interface CustomerLookupPort {
  lookupUser(query: LookupUserQuery): Promise<XUserProfile>;
}

export interface OutboundOptions {
  /** Unique per running process: part of the worker's id on its outbound claims. */
  replicaId: string;
  /** Lease on an outbound command while X is asked. Default 30000. */
  outboundLeaseMs?: number;
  /** How long after the request an X outage is waited out (deferred with backoff) before the command fails. Default 10 min. */
  outboundGiveUpAfterMs?: number;
  /** How long after the request a spent X rate-limit window is waited for before the command fails. Default 1 h. */
  outboundRateLimitGiveUpAfterMs?: number;
  /** Calls to X at once per brand in this process (OUTBOUND_BRAND_CONCURRENCY). Default 32. */
  outboundBrandConcurrency?: number;
  /** How long a customer profile read from X is reused. Default 60000. */
  profileCacheTtlMs?: number;
  /** `outboundWorker: false` leaves x.outbound.requested.v1 to other processes (e.g. to scale it separately). */
  run?: { outboundWorker?: boolean };
  clock?: Clock;
}

/** Everything OutboundModule needs, already built by the app (ports and adapters). */
export interface OutboundModuleDeps {
  bus: EventBus;
  idempotencyStore: OutboundIdempotencyStore;
  /** Outbound commands X cannot take yet, until due (Redis in the distributed mode). */
  deferredOutboundStore: DeferredOutboundStore;
  /** @perch/x-client's XApiPort (or anything with the same methods). */
  xApi: XActionsPort & CustomerLookupPort;
  brands: BrandAccount[];
  options: OutboundOptions;
}
