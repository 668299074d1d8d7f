import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@perch/contracts';

import { GatewayFanOutGroups } from '../gateway-fan-in.consumer';
import { seriesFactOf } from './interaction-series-projector.domain';
import { SupervisorPushService } from './supervisor-push.service';

/**
 * What changed, for this replica's supervisors: routing.interaction.v1 (loads, queues) and routing.agent.v1 (states)
 * name the agents to re-read from the router's store, and the chart buckets to re-read. The handlers join the
 * replica's fan-out groups (one per topic, shared with the agents' pushes, from the latest offset): a supervisor who
 * connects loads the present over REST, the pushes carry what happens next.
 */
@Injectable()
export class SupervisorPushConsumer implements OnModuleInit {
  constructor(
    private readonly fanOut: GatewayFanOutGroups,
    private readonly push: SupervisorPushService,
  ) {}

  onModuleInit(): void {
    this.fanOut.add(Topics.InteractionLifecycle, {
      name: 'supervisor-push',
      handle: async (event) => {
        if (event.payload.agentId !== undefined) this.push.noteAgent(event.payload.agentId);
        if (seriesFactOf(event)) this.push.noteSeriesAt(Date.parse(event.occurredAt));
      },
    });
    this.fanOut.add(Topics.AgentState, { name: 'supervisor-push', handle: async (event) => this.push.noteAgent(event.payload.agentId) });
  }
}
