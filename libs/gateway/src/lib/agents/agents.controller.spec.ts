import { type AgentDirectory } from '@perch/agents';
import { Topics } from '@perch/contracts';
import { NotFoundError, RetryableError, ValidationFailedError } from '@perch/platform';
import { type AgentStateReader, RoutingStoreAgentStateReader } from '@perch/routing';

import { createTestbedDirectory } from '../testing/gateway-testbed.fixtures';
import { agentProfile, seedInteraction, UNIT_OPTIONS, type UnitServices, unitServices } from '../testing/gateway-unit.fixtures';
import { LocalViewCache } from '../ws/local-view-cache.service';
import { AgentsController } from './agents.controller';
import { PresenceService } from './presence.service';

describe(AgentsController.name, () => {
  let services: UnitServices;
  let directory: AgentDirectory;
  let controller: AgentsController;
  const ada = agentProfile('ada', { capacity: 3, skills: ['billing'] });
  const carol = agentProfile('carol', { role: 'supervisor' });

  function controllerOver(states: AgentStateReader): AgentsController {
    return new AgentsController(
      new PresenceService(states, directory, services.store, UNIT_OPTIONS, new LocalViewCache(), services.commands),
      services.consultations,
    );
  }

  beforeEach(async () => {
    services = unitServices();
    directory = await createTestbedDirectory([
      { id: 'ada', displayName: 'ada', password: 'pw', capacity: 3, skills: ['billing'] },
      { id: 'carol', displayName: 'carol', password: 'pw', role: 'supervisor' },
    ]);
    controller = controllerOver(new RoutingStoreAgentStateReader(services.routing));
  });

  const problemFields = async (call: Promise<unknown>): Promise<string[]> => {
    const error: unknown = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).problems.map((p) => p.field);
  };

  it("answers the signed-in agent's own profile", () => {
    expect(controller.me(ada)).toEqual(ada);
  });

  it('tells the router the agent is ready, with the configured capacity and skills', async () => {
    const { commandId } = await controller.setPresence(ada, { state: 'ready' });
    const [command] = services.bus.on(Topics.AgentCommand);
    expect(command?.payload).toEqual({ commandId, type: 'presence', agentId: 'ada', presence: 'ready', capacity: 3, skills: ['billing'] });
  });

  it('tells the router the configured per-channel limits with the capacity, when there are some', async () => {
    const dee = agentProfile('dee', { capacity: 5, capacityByChannel: { public: 3, dm: 2 } });
    await controller.setPresence(dee, { state: 'ready' });
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ type: 'presence', agentId: 'dee', capacity: 5, capacityByChannel: { public: 3, dm: 2 } }),
    ]);
  });

  it('tells the router the agent is not ready, with the reason, still at the configured capacity', async () => {
    await controller.setPresence(ada, { state: 'not-ready', reason: 'break' });
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ type: 'presence', agentId: 'ada', presence: 'not-ready', reason: 'break', capacity: 3 }),
    ]);
  });

  it('answers 400 naming the reason when not-ready has none, an unknown one or the router’s own, or another state has one', async () => {
    expect(await problemFields(controller.setPresence(ada, { state: 'not-ready' }))).toEqual(['reason']);
    expect(await problemFields(controller.setPresence(ada, { state: 'not-ready', reason: 'nap' }))).toEqual(['reason']);
    expect(await problemFields(controller.setPresence(ada, { state: 'not-ready', reason: 'missed-offer' }))).toEqual(['reason']);
    expect(await problemFields(controller.setPresence(ada, { state: 'ready', reason: 'break' }))).toEqual(['reason']);
    expect(services.bus.on(Topics.AgentCommand)).toEqual([]);
  });

  it("answers the router's state: offline before it ever heard of the agent, then its state, reason and the reasons to choose from", async () => {
    expect(await controller.presence(ada)).toMatchObject({ agentId: 'ada', state: 'offline', since: null, load: 0, reasons: ['break', 'meeting', 'training'] });
    await services.routing.setPresence({ agentId: 'ada', state: 'not-ready', reason: 'missed-offer', capacity: 3, now: 1_760_000_000_000 });
    expect(await controller.presence(ada)).toMatchObject({
      state: 'not-ready',
      reason: 'missed-offer',
      since: new Date(1_760_000_000_000).toISOString(),
      capacity: 3,
      loadByChannel: { public: 0, dm: 0 },
    });
  });

  it('answers 503 routing-unavailable when the router’s store cannot be read, never a guess', async () => {
    const down = controllerOver({
      stateOf: async () => {
        throw new RetryableError('connection lost');
      },
    });
    await expect(down.presence(ada)).rejects.toMatchObject({ code: 'routing-unavailable' });
    await expect(down.offers(ada)).rejects.toMatchObject({ code: 'routing-unavailable' });
  });

  it('answers the pending offers from the router’s record, with what the toast shows, and none once accepted', async () => {
    const { interactionId, offerId, message } = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
    const [offer] = await controller.offers(ada);
    expect(offer).toMatchObject({ type: 'offer', interactionId, offerId, text: message.text, author: { username: 'dana_flies' }, sentiment: 'negative' });
    expect(Date.parse(offer?.expiresAt ?? '')).toBeGreaterThan(Date.now());
    await services.routing.accept(interactionId, offerId, 'ada', Date.now());
    expect(await controller.offers(ada)).toEqual([]);
  });

  it("lets a supervisor set another agent's presence: the agent's configured capacity, cause supervisor, who did it", async () => {
    const answer = await controller.setPresenceOf(carol, 'ada', { state: 'not-ready', reason: 'meeting' });
    expect(answer).toEqual({ commandId: expect.any(String), agentId: 'ada' });
    expect(services.bus.on(Topics.AgentCommand).map((event) => event.payload)).toEqual([
      expect.objectContaining({ agentId: 'ada', presence: 'not-ready', reason: 'meeting', cause: 'supervisor', actorId: 'carol', capacity: 3, skills: ['billing'] }),
    ]);
  });

  it('answers 404 unknown-agent when a supervisor names an agent nobody configured', async () => {
    const refused = controller.setPresenceOf(carol, 'nobody', { state: 'ready' });
    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    await expect(controller.setPresenceOf(carol, 'nobody', { state: 'ready' })).rejects.toMatchObject({ code: 'unknown-agent' });
    expect(services.bus.on(Topics.AgentCommand)).toEqual([]);
  });
});
