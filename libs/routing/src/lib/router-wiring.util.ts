import { type DynamicModule } from '@nestjs/common';
import { type EventBus } from '@perch/messaging';

import { RouterModule } from './router.module';
import { type RoutingStore } from './store/routing-store.port';

export interface RouterWiringOptions {
  bus: EventBus;
  /** In memory for one process, in Redis for replicas; the router routes the store's tenant. */
  store: RoutingStore;
  /** How long an agent has to accept or decline an offer. */
  offerTimeoutMs: number;
  /** How often expired offers (and wrap-ups due) are looked for. */
  sweepIntervalMs: number;
  /** Not-ready reason codes a presence may carry (default DEFAULT_NOT_READY_REASONS; missed-offer is always allowed). */
  notReadyReasons?: readonly string[];
}

/** The router of one process: its Nest module. */
export interface RouterWiring {
  module: DynamicModule;
}

/** The router's wiring, for its own app and for the embedded one: the apps pick the store and read the config. */
export function wireRouter(options: RouterWiringOptions): RouterWiring {
  const { bus, store, offerTimeoutMs, sweepIntervalMs, notReadyReasons } = options;
  return {
    module: RouterModule.register({
      bus,
      store,
      options: { tenant: store.tenant, offerTimeoutMs, sweepIntervalMs, ...(notReadyReasons === undefined ? {} : { notReadyReasons }) },
    }),
  };
}
