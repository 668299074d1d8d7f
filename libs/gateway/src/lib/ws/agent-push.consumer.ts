import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@perch/contracts';

import { GatewayFanOutGroups } from '../gateway-fan-in.consumer';
import { AgentPushService } from './agent-push.service';

/**
 * routing.interaction.v1, x.outbound.completed.v1, classification.corrected.v1 and routing.agent.v1 → the sockets of the
 * agents connected to this replica. The handlers join the replica's fan-out groups (one per topic, shared with the
 * supervisors' pushes, from the latest offset): a replica pushes what happens while it runs; what happened before is
 * in the store. A retry of an event (another push handler failed) pushes it again: clients apply pushes idempotently.
 */
@Injectable()
export class AgentPushConsumer implements OnModuleInit {
  constructor(
    private readonly fanOut: GatewayFanOutGroups,
    private readonly push: AgentPushService,
  ) {}

  onModuleInit(): void {
    this.fanOut.add(Topics.InteractionLifecycle, { name: 'agent-push', handle: (event) => this.push.onLifecycle(event) });
    this.fanOut.add(Topics.OutboundCompleted, { name: 'agent-push', handle: (event) => this.push.onOutboundCompleted(event) });
    this.fanOut.add(Topics.ClassificationCorrected, { name: 'agent-push', handle: (event) => this.push.onClassificationCorrected(event) });
    this.fanOut.add(Topics.AgentState, { name: 'agent-push', handle: (event) => this.push.onAgentState(event) });
  }
}
