import { AuthErrorCode } from '../agent-auth.errors';
import { type AgentRecord } from '../agent-directory.domain';
import { type UserStore } from '../user-store.port';

export interface UserStoreHarness {
  store: UserStore;
  dispose(): Promise<void>;
}

function person(id: string, extra: Partial<AgentRecord> = {}): AgentRecord {
  return { id, displayName: `${id} name`, passwordHash: `scrypt$1024$8$1$salt-${id}$hash-${id}`, capacity: 2, skills: [], role: 'agent', brands: [], ...extra };
}

/** Behaviour every UserStore adapter must show (memory, PGlite, PostgreSQL server); run by each adapter's spec. */
export function describeUserStoreContract(name: string, factory: () => Promise<UserStoreHarness>): void {
  describe(`UserStore contract: ${name}`, () => {
    let harness: UserStoreHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('keeps a created user with every field, enabled, and finds it by its exact id', async () => {
      const created = await harness.store.create(
        person('ana.silva', { role: 'supervisor', brands: ['acme_support', '*'], skills: ['billing=7', 'pt'], capacityByChannel: { public: 2, dm: 1 }, capacity: 3 }),
        1_000,
      );
      const expected = {
        ...person('ana.silva', { role: 'supervisor', brands: ['acme_support', '*'], skills: ['billing=7', 'pt'], capacityByChannel: { public: 2, dm: 1 }, capacity: 3 }),
        disabled: false,
        createdAt: 1_000,
        updatedAt: 1_000,
      };
      expect(created).toEqual(expected);
      expect(await harness.store.find('ana.silva')).toEqual(expected);
      expect(await harness.store.find('ANA.SILVA')).toBeUndefined();
      expect(await harness.store.find('nobody')).toBeUndefined();
    });

    it('refuses a second user with the same id in any letter case (user-exists)', async () => {
      await harness.store.create(person('bob'), 1_000);
      await expect(harness.store.create(person('bob'), 2_000)).rejects.toMatchObject({ kind: 'conflict', code: AuthErrorCode.UserExists });
      await expect(harness.store.create(person('Bob'), 2_000)).rejects.toMatchObject({ code: AuthErrorCode.UserExists });
      expect((await harness.store.list()).map((user) => user.id)).toEqual(['bob']);
    });

    it('updates only the fields given, and removes per-channel limits with null', async () => {
      await harness.store.create(person('cy', { capacityByChannel: { public: 1, dm: 1 } }), 1_000);
      const updated = await harness.store.update('cy', { role: 'admin', brands: ['acme_support'], disabled: true, capacityByChannel: null }, 5_000);
      expect(updated).toEqual({ ...person('cy'), role: 'admin', brands: ['acme_support'], disabled: true, createdAt: 1_000, updatedAt: 5_000 });
      const renamed = await harness.store.update('cy', { displayName: 'Cy Young', passwordHash: 'scrypt$1024$8$1$new$new', disabled: false }, 6_000);
      expect(renamed).toMatchObject({ displayName: 'Cy Young', passwordHash: 'scrypt$1024$8$1$new$new', disabled: false, role: 'admin', updatedAt: 6_000 });
      expect(await harness.store.find('cy')).toEqual(renamed);
      expect(await harness.store.update('ghost', { disabled: true }, 7_000)).toBeUndefined();
    });

    it('seeds only the missing users and never overwrites an existing one', async () => {
      await harness.store.create(person('dana', { role: 'admin' }), 1_000);
      await harness.store.update('dana', { disabled: true }, 2_000);
      const inserted = await harness.store.seed([person('dana', { role: 'agent' }), person('eve'), person('Frank')], 3_000);
      expect(inserted).toEqual(['eve', 'Frank']);
      expect(await harness.store.seed([person('eve'), person('FRANK')], 4_000)).toEqual([]);
      const users = await harness.store.list();
      expect(users.map((user) => user.id)).toEqual(['Frank', 'dana', 'eve'].sort());
      expect(users.find((user) => user.id === 'dana')).toMatchObject({ role: 'admin', disabled: true });
    });
  });
}
