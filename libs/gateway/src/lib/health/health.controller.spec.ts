import { UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { type AgentSocketHub } from '../ws/agent-socket-hub.service';
import { HealthController } from './health.controller';

/** The hub's counts, as far as health reads them. */
class CountingHub {
  constructor(
    private readonly agents: number,
    private readonly sockets: number,
  ) {}

  agentCount(): number {
    return this.agents;
  }

  socketCount(): number {
    return this.sockets;
  }
}

describe(HealthController.name, () => {
  it('answers ok with the replica, the process and how many agents and sockets it holds', () => {
    const controller = new HealthController({ ...UNIT_OPTIONS, replicaId: 'gw-7' }, new CountingHub(2, 3) as unknown as AgentSocketHub);
    expect(controller.health()).toEqual({ status: 'ok', replicaId: 'gw-7', pid: process.pid, connectedAgents: 2, sockets: 3 });
  });

  it('answers ok with nobody connected', () => {
    const controller = new HealthController(UNIT_OPTIONS, new CountingHub(0, 0) as unknown as AgentSocketHub);
    expect(controller.health()).toMatchObject({ status: 'ok', connectedAgents: 0, sockets: 0 });
  });
});
