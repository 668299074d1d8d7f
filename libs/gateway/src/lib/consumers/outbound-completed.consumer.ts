import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS, repliesPushGroup } from '../gateway.constants';
import { AgentPushService } from '../ws/agent-push.service';

/** x.outbound.completed.v1 → reply-sent / reply-failed on the replying agent's sockets (a group per replica). */
@Injectable()
export class OutboundCompletedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private handle: ConsumerHandle | null = null;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly push: AgentPushService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.handle = await this.bus.subscribe(Topics.OutboundCompleted, repliesPushGroup(this.options.replicaId), (event) =>
      this.push.onOutboundCompleted(event),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
    this.handle = null;
  }
}
