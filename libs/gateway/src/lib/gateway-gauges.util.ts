import { type INestApplicationContext } from '@nestjs/common';
import { passwordDerivations } from '@perch/agents';

import { type RestIntakeGate } from './http/rest-intake-gate.util';
import { AgentSocketHub, type AgentSocketStats } from './ws/agent-socket-hub.service';
import { type PushStoreGuard } from './ws/push-store-guard.util';

/** Numbers read at scrape time, the shape @perch/service-kit's ObservabilityModule takes as a metrics source. */
export interface GatewayGaugeSource {
  prefix: string;
  read(): Record<string, number>;
}

const NO_SOCKETS: AgentSocketStats = { sockets: 0, agents: 0, messagesInFlight: 0, messagesWaiting: 0, pauses: 0 };

/**
 * The gateway's own gauges on /metrics, the same in the distributed gateway and the embedded process: its agents'
 * sockets (ADR 39), the store calls made before pushes (ADR 38), its REST intake (ADR 41) and the password derivations
 * of sign-ins running and waiting for their turn (ADR 28, amendment). wireGateway makes them
 * from the gate and the guard it gives the module; the socket hub is Nest's, so it is read once attach(app) ran, and
 * zeros until then (the registry names its gauges from a first read made before the app exists).
 */
export class GatewayGauges {
  private hub: AgentSocketHub | undefined;

  constructor(
    private readonly restIntake: RestIntakeGate,
    private readonly pushStore: PushStoreGuard,
  ) {}

  /** Once the Nest app is created: its agents' socket hub. */
  attach(app: Pick<INestApplicationContext, 'get'>): void {
    this.hub = app.get(AgentSocketHub);
  }

  sources(): GatewayGaugeSource[] {
    return [
      { prefix: 'push_store', read: () => ({ ...this.pushStore.counts }) },
      { prefix: 'agent_sockets', read: () => ({ ...(this.hub?.stats() ?? NO_SOCKETS) }) },
      { prefix: 'rest_requests', read: () => ({ ...this.restIntake.stats() }) },
      { prefix: 'password_derivations', read: () => ({ ...passwordDerivations() }) },
    ];
  }
}
