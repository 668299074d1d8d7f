import { randomBytes } from 'node:crypto';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';

import { type OutboundModuleDeps } from './outbound-deps.types';
import { MAX_OUTBOUND_BRAND_CONCURRENCY, OUTBOUND_DEPS } from './outbound.constants';
import { OutboundRedriver } from './outbound-redriver.domain';
import { OutboundWorker } from './outbound-worker.domain';

/** x.outbound.requested.v1 → X, through the OutboundWorker (one shared group: each command once). */
@Injectable()
export class OutboundRequestedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private handle: ConsumerHandle | null = null;
  private readonly worker: OutboundWorker;
  private readonly redriver: OutboundRedriver;

  constructor(@Inject(OUTBOUND_DEPS) private readonly deps: OutboundModuleDeps) {
    const { bus, options } = deps;
    const deferred = deps.deferredOutboundStore;
    this.worker = new OutboundWorker({
      idempotency: deps.idempotencyStore,
      deferred,
      x: deps.xApi,
      brands: deps.brands,
      publisher: bus,
      // Unique per process, even when two processes share a replica id by mistake.
      workerId: `${options.replicaId}:${process.pid}:${randomBytes(4).toString('hex')}`,
      ...(options.outboundLeaseMs === undefined ? {} : { leaseMs: options.outboundLeaseMs }),
      ...(options.outboundGiveUpAfterMs === undefined ? {} : { giveUpAfterMs: options.outboundGiveUpAfterMs }),
      ...(options.outboundRateLimitGiveUpAfterMs === undefined ? {} : { rateLimitGiveUpAfterMs: options.outboundRateLimitGiveUpAfterMs }),
      ...(options.outboundBrandConcurrency === undefined ? {} : { brandConcurrency: options.outboundBrandConcurrency }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    this.redriver = new OutboundRedriver({ store: deferred, publisher: bus, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.deps.options.run?.outboundWorker === false) return;
    // From the earliest offset: a reply requested before the first worker ran is still posted (once: the
    // idempotency store remembers every command longer than the topic keeps it).
    this.redriver.start();
    this.handle = await this.deps.bus.subscribe(Topics.OutboundRequested, ConsumerGroups.Outbound, (event) => this.worker.handle(event), {
      fromBeginning: true,
      keyConcurrency: MAX_OUTBOUND_BRAND_CONCURRENCY,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redriver.stop();
    await this.handle?.stop();
    this.handle = null;
  }
}
