import { Inject, Injectable } from '@nestjs/common';
import { agentStatePushGroup, correctionsPushGroup, repliesPushGroup, routingPushGroup, Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';

import { BusSubscriptionsConsumer } from '../bus-subscriptions.consumer';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS } from '../gateway.constants';
import { AgentPushService } from './agent-push.service';

/**
 * routing.interaction.v1, x.outbound.completed.v1, classification.corrected.v1 and routing.agent.v1 → the sockets of the
 * agents connected to this replica.
 * Fan-out groups (one per replica, per topic) starting at the latest offset: a replica pushes what happens
 * while it runs; what happened before is in the store.
 */
@Injectable()
export class AgentPushConsumer extends BusSubscriptionsConsumer {
  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly push: AgentPushService,
  ) {
    super();
  }

  protected async subscribe(): Promise<ConsumerHandle[]> {
    const replica = this.options.replicaId;
    return [
      await this.bus.subscribe(Topics.InteractionLifecycle, routingPushGroup(replica), (event) => this.push.onLifecycle(event)),
      await this.bus.subscribe(Topics.OutboundCompleted, repliesPushGroup(replica), (event) => this.push.onOutboundCompleted(event)),
      await this.bus.subscribe(Topics.ClassificationCorrected, correctionsPushGroup(replica), (event) =>
        this.push.onClassificationCorrected(event),
      ),
      await this.bus.subscribe(Topics.AgentState, agentStatePushGroup(replica), (event) => this.push.onAgentState(event)),
    ];
  }
}
