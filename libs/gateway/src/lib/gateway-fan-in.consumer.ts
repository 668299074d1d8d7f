import { Injectable } from '@nestjs/common';
import { ConsumerGroups, gatewayPushGroup, Topics } from '@perch/contracts';
import { ConsumerFanIn, type ConsumerHandle, type EventBus, legacyGroupOf } from '@perch/messaging';

import { BusSubscriptionsConsumer } from './bus-subscriptions.consumer';

/**
 * The gateway's shared lifecycle groups: ONE work-sharing group per topic, whose handler runs every shared handler
 * the gateway composes for that event (@perch/interactions' projector and corrections recorder, @perch/audit's
 * recorder, the supervisors' counters). Each started from the lowest offset of the per-handler groups it replaces.
 */
export class GatewaySharedGroups extends ConsumerFanIn {
  constructor(bus: EventBus) {
    super(bus, {
      groupOf: legacyGroupOf({
        [Topics.InteractionLifecycle]: ConsumerGroups.GatewayRouting,
        [Topics.OutboundCompleted]: ConsumerGroups.GatewayReplies,
        [Topics.ClassificationCorrected]: ConsumerGroups.GatewayCorrections,
      }),
      // From the earliest offset, like the groups they replace: a new cluster's first gateway misses nothing.
      fromBeginning: true,
    });
  }
}

/**
 * This replica's fan-out: ONE group (gatewayPushGroup) reading every topic it pushes from, whose handler for each
 * topic runs every push handler of the replica for it (agents' sockets, supervisors' sockets). From the latest
 * offset, like the per-topic groups it replaces: pushes carry what happens while the replica runs, what happened
 * before is read over REST.
 */
export class GatewayFanOutGroups extends ConsumerFanIn {
  constructor(bus: EventBus, replicaId: string) {
    super(bus, { oneGroup: gatewayPushGroup(replicaId), fromBeginning: false });
  }
}

/** Opens the gateway's groups once every module has put its handlers in (onModuleInit runs before this). */
@Injectable()
export class GatewayFanInConsumer extends BusSubscriptionsConsumer {
  constructor(
    private readonly shared: GatewaySharedGroups,
    private readonly fanOut: GatewayFanOutGroups,
  ) {
    super();
  }

  protected async subscribe(): Promise<ConsumerHandle[]> {
    return [...(await this.shared.start()), ...(await this.fanOut.start())];
  }
}
