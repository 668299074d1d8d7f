import { Inject, Injectable } from '@nestjs/common';
import { supervisorAgentsPushGroup, supervisorPushGroup, Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';

import { BusSubscriptionsConsumer } from '../bus-subscriptions.consumer';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS } from '../gateway.constants';
import { seriesFactOf } from './interaction-series-projector.domain';
import { SupervisorPushService } from './supervisor-push.service';

/**
 * What changed, for this replica's supervisors: routing.interaction.v1 (loads, queues) and routing.agent.v1 (states)
 * name the agents to re-read from the router's store, and the chart buckets to re-read. Fan-out groups (one per
 * replica, per topic) from the latest offset: a supervisor who connects loads the present over REST, the pushes carry
 * what happens next.
 */
@Injectable()
export class SupervisorPushConsumer extends BusSubscriptionsConsumer {
  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly push: SupervisorPushService,
  ) {
    super();
  }

  protected async subscribe(): Promise<ConsumerHandle[]> {
    const replica = this.options.replicaId;
    return [
      await this.bus.subscribe(Topics.InteractionLifecycle, supervisorPushGroup(replica), async (event) => {
        if (event.payload.agentId !== undefined) this.push.noteAgent(event.payload.agentId);
        if (seriesFactOf(event)) this.push.noteSeriesAt(Date.parse(event.occurredAt));
      }),
      await this.bus.subscribe(Topics.AgentState, supervisorAgentsPushGroup(replica), async (event) => this.push.noteAgent(event.payload.agentId)),
    ];
  }
}
