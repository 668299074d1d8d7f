import { type DynamicModule, Module } from '@nestjs/common';

import { CustomerProfileService } from './customers/customer-profile.service';
import { type OutboundModuleDeps } from './outbound-deps.types';
import { OUTBOUND_DEPS } from './outbound.constants';
import { OutboundRequestedConsumer } from './outbound-requested.consumer';

/**
 * Everything that acts on X for the agents: the outbound worker (x.outbound.requested.v1 → X, once, with its
 * redriver for deferred commands) and the customer profiles read with the brands' tokens, which it exports
 * for the agent-facing edge (@perch/gateway).
 */
@Module({})
export class OutboundModule {
  static register(deps: OutboundModuleDeps): DynamicModule {
    return {
      module: OutboundModule,
      providers: [{ provide: OUTBOUND_DEPS, useValue: deps }, OutboundRequestedConsumer, CustomerProfileService],
      exports: [CustomerProfileService],
    };
  }
}
