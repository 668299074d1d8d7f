import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS, routingPushGroup } from '../gateway.constants';
import { AgentPushService } from '../ws/agent-push.service';

/** routing.interaction.v1 → the sockets of the agents connected to this replica (a group per replica). */
@Injectable()
export class RoutingEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private handle: ConsumerHandle | null = null;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly push: AgentPushService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.handle = await this.bus.subscribe(Topics.InteractionLifecycle, routingPushGroup(this.options.replicaId), (event) =>
      this.push.onLifecycle(event),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
    this.handle = null;
  }
}
