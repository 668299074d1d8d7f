import { randomBytes } from 'node:crypto';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import {
  type BrandAccount,
  type DeferredOutboundStore,
  type OutboundIdempotencyStore,
  OutboundRedriver,
  OutboundWorker,
  type XActionsPort,
} from '@perch/interactions';

import { type GatewayOptions } from '../gateway-deps.types';
import {
  GATEWAY_BRANDS,
  GATEWAY_BUS,
  GATEWAY_DEFERRED_OUTBOUND_STORE,
  GATEWAY_IDEMPOTENCY_STORE,
  GATEWAY_OPTIONS,
  GATEWAY_X_API,
  OUTBOUND_GROUP,
} from '../gateway.constants';

/** x.outbound.requested.v1 → X, through the OutboundWorker (one shared group: each command once). */
@Injectable()
export class OutboundRequestedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private handle: ConsumerHandle | null = null;
  private readonly worker: OutboundWorker;
  private readonly redriver: OutboundRedriver;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_IDEMPOTENCY_STORE) idempotency: OutboundIdempotencyStore,
    @Inject(GATEWAY_DEFERRED_OUTBOUND_STORE) deferred: DeferredOutboundStore,
    @Inject(GATEWAY_X_API) x: XActionsPort,
    @Inject(GATEWAY_BRANDS) brands: BrandAccount[],
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.worker = new OutboundWorker({
      idempotency,
      deferred,
      x,
      brands,
      publisher: bus,
      // Unique per process, even when two processes share a replica id by mistake.
      workerId: `${options.replicaId}:${process.pid}:${randomBytes(4).toString('hex')}`,
      ...(options.outboundLeaseMs === undefined ? {} : { leaseMs: options.outboundLeaseMs }),
      ...(options.outboundGiveUpAfterMs === undefined ? {} : { giveUpAfterMs: options.outboundGiveUpAfterMs }),
      ...(options.outboundRateLimitGiveUpAfterMs === undefined ? {} : { rateLimitGiveUpAfterMs: options.outboundRateLimitGiveUpAfterMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    this.redriver = new OutboundRedriver({ store: deferred, publisher: bus, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.run?.outboundWorker === false) return;
    // From the earliest offset: a reply requested before the first worker ran is still posted (once: the
    // idempotency store remembers every command longer than the topic keeps it).
    this.redriver.start();
    this.handle = await this.bus.subscribe(Topics.OutboundRequested, OUTBOUND_GROUP, (event) => this.worker.handle(event), {
      fromBeginning: true,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redriver.stop();
    await this.handle?.stop();
    this.handle = null;
  }
}
