import { ForbiddenError } from '@perch/agents';
import { Topics } from '@perch/contracts';
import { ValidationFailedError } from '@perch/platform';

import { agentProfile, PERCH_AIR, PERCH_RAIL, seedInteraction, type UnitServices, unitServices } from '../testing/gateway-unit.fixtures';
import { BrandsController } from './brands.controller';

describe(BrandsController.name, () => {
  let services: UnitServices;
  let controller: BrandsController;
  const ada = agentProfile('ada', { brands: [PERCH_AIR.username] });

  beforeEach(() => {
    services = unitServices([PERCH_AIR, PERCH_RAIL]);
    controller = new BrandsController([PERCH_AIR, PERCH_RAIL], services.actions);
  });

  it('lists only the brand accounts the agent was granted, by id and name, never their tokens', () => {
    expect(controller.list(ada)).toEqual([{ id: PERCH_AIR.id, username: PERCH_AIR.username }]);
  });

  it("lists every brand account to an agent granted all of them ('*'), and none to an agent granted none", () => {
    expect(controller.list(agentProfile('dana', { brands: ['*'] })).map((brand) => brand.username)).toEqual(['PerchAir', 'PerchRail']);
    expect(controller.list(agentProfile('eve', { brands: [] }))).toEqual([]);
  });

  it('publishes a new post from a granted brand as x.outbound.requested.v1, and answers its command id', async () => {
    const accepted = await controller.post(ada, { brandAccountId: PERCH_AIR.id, text: 'Flights are back on schedule.' });
    const [command] = services.bus.on(Topics.OutboundRequested);
    expect(accepted).toMatchObject({ commandId: command?.payload.commandId, kind: 'post', text: 'Flights are back on schedule.' });
    expect(command?.payload).toMatchObject({ kind: 'post', brandAccountId: PERCH_AIR.id, agentId: 'ada', text: 'Flights are back on schedule.' });
  });

  it('records a post made from an interaction on it, as a pending action in its transcript', async () => {
    const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
    const { commandId } = await controller.post(ada, { brandAccountId: PERCH_AIR.id, text: 'We are on it.', interactionId });
    expect(services.bus.on(Topics.OutboundRequested)[0]?.payload).toMatchObject({ commandId, interactionId });
    expect((await services.store.get(interactionId))?.transcript).toContainEqual(expect.objectContaining({ kind: 'agent-action', commandId }));
  });

  it('refuses a post from a brand the agent was not granted with 403 brand-not-allowed, and publishes nothing', async () => {
    await expect(controller.post(ada, { brandAccountId: PERCH_RAIL.id, text: 'Hello' })).rejects.toThrow(ForbiddenError);
    await expect(controller.post(ada, { brandAccountId: PERCH_RAIL.id, text: 'Hello' })).rejects.toMatchObject({ code: 'brand-not-allowed' });
    expect(services.bus.events).toEqual([]);
  });

  it('refuses an unknown brand account, and a text X would refuse, with 400', async () => {
    await expect(controller.post(ada, { brandAccountId: '999', text: 'Hello' })).rejects.toThrow(ValidationFailedError);
    await expect(controller.post(ada, { brandAccountId: PERCH_AIR.id, text: 'x'.repeat(281) })).rejects.toThrow(ValidationFailedError);
    expect(services.bus.events).toEqual([]);
  });
});
