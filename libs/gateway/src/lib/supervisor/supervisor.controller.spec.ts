import { type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AgentProfile, ForbiddenError } from '@perch/agents';
import { MemoryQueueCounterStore, MemoryRoutingStore } from '@perch/routing';

import { RolesGuard } from '../http/roles.guard';
import { agentProfile, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { createTestbedDirectory } from '../testing/gateway-testbed.fixtures';
import { MemoryInteractionSeriesStore } from './memory-interaction-series-store.adapter';
import { type SupervisorAgentActionsService } from './supervisor-agent-actions.service';
import { SupervisorDataService } from './supervisor-data.service';
import { SupervisorSeriesService } from './supervisor-series.service';
import { SupervisorController } from './supervisor.controller';

function contextFor(handler: (...args: never[]) => unknown, agent: AgentProfile): ExecutionContext {
  const request = { headers: {}, agent };
  return {
    getHandler: () => handler,
    getClass: () => SupervisorController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(SupervisorController.name, () => {
  const guard = new RolesGuard(new Reflector());
  const { queues, agents, series, signOut } = SupervisorController.prototype;
  const handlers = [queues, agents, series, signOut];

  it('lets supervisors and admins read queues, agents and series, and sign agents out', () => {
    for (const role of ['supervisor', 'admin'] as const) {
      for (const handler of handlers) expect(guard.canActivate(contextFor(handler, agentProfile('sam', { role })))).toBe(true);
    }
  });

  it('refuses agents with 403 role-required on every route', () => {
    for (const handler of handlers) {
      expect(() => guard.canActivate(contextFor(handler, agentProfile('ada')))).toThrow(ForbiddenError);
      expect(() => guard.canActivate(contextFor(handler, agentProfile('ada')))).toThrow(expect.objectContaining({ code: 'role-required' }));
    }
  });

  it('answers from the router’s store: a page of agents with their names, and the cursor of the next', async () => {
    const routing = new MemoryRoutingStore('supervisor-unit');
    for (const id of ['ada', 'bob', 'cy']) await routing.setPresence({ agentId: id, state: 'ready', now: 1_000 });
    const directory = await createTestbedDirectory([{ id: 'ada', displayName: 'Ada Lovelace', password: 'x' }]);
    const data = new SupervisorDataService(routing, new MemoryQueueCounterStore(), directory, { ...UNIT_OPTIONS, clock: { now: () => 61_000 } });
    // Signing out is not called here (supervisor-data.spec.ts does it through the gateway).
    const controller = new SupervisorController(data, new SupervisorSeriesService(new MemoryInteractionSeriesStore(), UNIT_OPTIONS), {} as SupervisorAgentActionsService);
    const first = await controller.agents({ limit: 2 });
    expect(first.agents.map((agent) => [agent.agentId, agent.displayName, agent.timeInStateMs])).toEqual([
      ['ada', 'Ada Lovelace', 60_000],
      ['bob', null, 60_000],
    ]);
    expect(first.nextCursor).not.toBeNull();
    const second = await controller.agents({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toMatchObject({ agents: [{ agentId: 'cy' }], nextCursor: null });
    expect(await controller.queues()).toMatchObject({ total: { waiting: 0, agentsAvailable: 3 }, queues: [{ id: 'dm', agentsSignedIn: 3 }, { id: 'public', agentsSignedIn: 3 }] });
  });
});
