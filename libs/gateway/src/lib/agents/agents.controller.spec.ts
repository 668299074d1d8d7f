import { Topics } from '@perch/contracts';

import { agentProfile, type UnitServices, unitServices } from '../testing/gateway-unit.fixtures';
import { AgentsController } from './agents.controller';

describe(AgentsController.name, () => {
  let services: UnitServices;
  let controller: AgentsController;
  const ada = agentProfile('ada', { capacity: 3, skills: ['billing'] });

  beforeEach(() => {
    services = unitServices();
    controller = new AgentsController(services.commands);
  });

  it("answers the signed-in agent's own profile", () => {
    expect(controller.me(ada)).toEqual(ada);
  });

  it('tells the router the agent is ready, with the configured capacity and skills', async () => {
    const { commandId } = await controller.presence(ada, { state: 'ready' });
    const [command] = services.bus.on(Topics.AgentCommand);
    expect(command?.payload).toEqual({ commandId, type: 'presence', agentId: 'ada', presence: 'ready', capacity: 3, skills: ['billing'] });
  });

  it('tells the router the configured per-channel limits with the capacity, when there are some', async () => {
    const carol = agentProfile('carol', { capacity: 5, capacityByChannel: { public: 3, dm: 2 } });
    await controller.presence(carol, { state: 'ready' });
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ type: 'presence', agentId: 'carol', capacity: 5, capacityByChannel: { public: 3, dm: 2 } }),
    ]);
  });

  it('tells the router the agent is not ready, still at the configured capacity', async () => {
    await controller.presence(ada, { state: 'not-ready' });
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ type: 'presence', agentId: 'ada', presence: 'not-ready', capacity: 3 }),
    ]);
  });
});
