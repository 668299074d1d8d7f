import { type INestApplicationContext } from '@nestjs/common';

import { DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT, RestIntakeGate, type RestIntakeStats } from './http/rest-intake-gate.util';
import { AgentSocketHub, type AgentSocketStats } from './ws/agent-socket-hub.service';
import { PushStoreGuard, type PushStoreGuardCounts } from './ws/push-store-guard.util';

/** Numbers read at scrape time, the shape @perch/service-kit's ObservabilityModule takes as a metrics source. */
export interface GatewayGaugeSource {
  prefix: string;
  read(): Record<string, number>;
}

const NO_SOCKETS: AgentSocketStats = { sockets: 0, agents: 0, messagesInFlight: 0, messagesWaiting: 0, pauses: 0 };
const NO_PUSH_STORE_CALLS: PushStoreGuardCounts = { done: 0, givenUp: 0, skipped: 0 };

/**
 * The gateway's own gauges on /metrics, the same in the distributed gateway and the embedded process: its agents'
 * sockets (ADR 39), the store calls made before pushes (ADR 38) and its REST intake (ADR 41). The registry names its
 * gauges from a first read made before the app exists, so until attach() each source reads zeros (and the bound).
 */
export class GatewayGauges {
  private hub: AgentSocketHub | undefined;
  private rest: RestIntakeGate | undefined;
  private pushStore: PushStoreGuard | undefined;

  constructor(private readonly maxRestRequestsInFlight = DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT) {}

  /** Once the Nest app is created: its socket hub, REST gate and push-store guard. */
  attach(app: Pick<INestApplicationContext, 'get'>): void {
    this.hub = app.get(AgentSocketHub);
    this.rest = app.get(RestIntakeGate);
    this.pushStore = app.get(PushStoreGuard);
  }

  sources(): GatewayGaugeSource[] {
    const noRest: RestIntakeStats = { inFlight: 0, refused: 0, max: this.maxRestRequestsInFlight };
    return [
      { prefix: 'push_store', read: () => ({ ...(this.pushStore?.counts ?? NO_PUSH_STORE_CALLS) }) },
      { prefix: 'agent_sockets', read: () => ({ ...(this.hub?.stats() ?? NO_SOCKETS) }) },
      { prefix: 'rest_requests', read: () => ({ ...(this.rest?.stats() ?? noRest) }) },
    ];
  }
}
