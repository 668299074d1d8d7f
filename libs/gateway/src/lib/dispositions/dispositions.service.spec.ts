import { type BrandDispositions, type DispositionStore, MemoryDispositionStore } from '@perch/interactions';
import { RetryableError } from '@perch/platform';

import { BrandAccess } from '../brands/brand-access.service';
import { agentProfile, PERCH_AIR, PERCH_RAIL, seedInteraction, unitServices, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { DispositionsService } from './dispositions.service';

/** A store that stops answering reads when told (PostgreSQL going away). */
class FlakyStore extends MemoryDispositionStore {
  down = false;

  override async forBrand(brand: string): Promise<BrandDispositions> {
    if (this.down) throw new RetryableError('connection refused');
    return super.forBrand(brand);
  }
}

describe(DispositionsService.name, () => {
  const ada = agentProfile('ada');

  function service(store: DispositionStore, seed?: readonly { code: string; label: string }[]): { dispositions: DispositionsService; services: ReturnType<typeof unitServices> } {
    const services = unitServices();
    const options = seed === undefined ? UNIT_OPTIONS : { ...UNIT_OPTIONS, dispositionSeed: seed };
    return { dispositions: new DispositionsService(store, new BrandAccess([PERCH_AIR, PERCH_RAIL]), services.queries, options), services };
  }

  it('gives a brand that never had codes the seed once, and leaves a brand with its own codes alone', async () => {
    const store = new MemoryDispositionStore();
    await store.addCode('perchrail', { code: 'late', label: 'Late' }, 1);
    const { dispositions } = service(store, [{ code: 'resolved', label: 'Resolved' }]);
    const [air] = await dispositions.list(agentProfile('sup', { role: 'supervisor' }), 'PerchAir');
    const [rail] = await dispositions.list(agentProfile('sup', { role: 'supervisor' }), 'PerchRail');
    expect(air?.codes.map((code) => code.code)).toEqual(['resolved']);
    expect(rail?.codes.map((code) => code.code)).toEqual(['late']);
  });

  it('refuses every disposition on done for a brand without codes when the seed is empty', async () => {
    const { dispositions, services } = service(new MemoryDispositionStore(), []);
    const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
    await expect(dispositions.checkDone(ada, interactionId, { disposition: 'resolved' })).rejects.toMatchObject({
      kind: 'validation-failed',
      problems: [{ field: 'disposition', messages: ['unknown disposition "resolved": @perchair has no disposition codes'] }],
    });
    await expect(dispositions.checkDone(ada, interactionId, {})).resolves.toBeUndefined();
  });

  it('checks done against the last codes it read while the store cannot answer, and fails when it never read them', async () => {
    const store = new FlakyStore();
    const { dispositions, services } = service(store);
    const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
    await dispositions.checkDone(ada, interactionId, { disposition: 'resolved' });
    store.down = true;
    await expect(dispositions.checkDone(ada, interactionId, { disposition: 'resolved' })).resolves.toBeUndefined();
    await expect(dispositions.checkDone(ada, interactionId, { disposition: 'banana' })).rejects.toMatchObject({ kind: 'validation-failed' });
    await expect(dispositions.list(ada, 'PerchRail')).rejects.toMatchObject({ code: 'brand-not-allowed' });
    await expect(dispositions.list(agentProfile('sup', { role: 'supervisor' }), 'PerchRail')).rejects.toBeInstanceOf(RetryableError);
  });
});
