import { randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError, ValidationFailedError } from '@perch/platform';

import { ContactErrorCode } from '../contacts.errors';
import { type ContactStore } from '../store/contact-store.port';
import { type Contact } from '../store/contact.types';

/** What a contract's factory hands over: the adapter under test and how to release what it created. */
export interface ContactStoreHarness {
  store: ContactStore;
  dispose(): Promise<void>;
}

const ADA = { agentId: 'ada', at: 1_760_000_000_000 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError || error instanceof ValidationFailedError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function fieldsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.problems.map((problem) => problem.field).sort();
    throw error;
  }
  throw new Error('expected a validation failure');
}

/** Behaviour every ContactStore adapter must show; run by each adapter's spec (memory, PostgreSQL, PGlite). */
export function describeContactStoreContract(name: string, factory: () => Promise<ContactStoreHarness>): void {
  describe(`ContactStore contract: ${name}`, () => {
    let harness: ContactStoreHarness;
    let store: ContactStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
      await store.start();
    });

    afterEach(async () => {
      await store.stop();
      await harness.dispose();
    });

    it('keeps a new contact with every field normalized, and reads it back by id', async () => {
      const created = await store.create(
        {
          name: '  Dana Flies ',
          emails: ['Dana@Example.COM', 'dana@example.com', 'work@dana.example'],
          phones: ['+33 6 12-34-56-78', '(555) 010.2030'],
          xHandle: '@dana_flies',
          xUserId: '42',
          notes: 'prefers email',
        },
        ADA,
      );
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Dana Flies',
        emails: ['dana@example.com', 'work@dana.example'],
        phones: ['+33612345678', '5550102030'],
        xHandle: 'dana_flies',
        xUserId: '42',
        notes: 'prefers email',
        createdAt: ADA.at,
        updatedAt: ADA.at,
        createdBy: 'ada',
        updatedBy: 'ada',
        version: 1,
      });
      expect(await store.get(created.id)).toEqual(created);
      expect(await store.get(randomUUID())).toBeNull();
      expect(await store.get('not-a-uuid')).toBeNull();
    });

    it('refuses bad fields naming each, and keeps nothing', async () => {
      const fields = await fieldsOf(
        store.create({ name: ' ', emails: ['not-an-email'], phones: ['call me'], xHandle: 'has space', xUserId: 'abc', notes: 'x'.repeat(4001) }, ADA),
      );
      expect(fields).toEqual(['emails', 'name', 'notes', 'phones', 'xHandle', 'xUserId']);
      expect((await store.search({})).items).toEqual([]);
    });

    it('refuses a second contact for the same X user, naming the first', async () => {
      const first = await store.create({ name: 'Dana', xUserId: '4242' }, ADA);
      let details: Record<string, unknown> | undefined;
      try {
        await store.create({ name: 'Dana again', xUserId: '4242' }, ADA);
      } catch (error) {
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError<ContactErrorCode>).code).toBe(ContactErrorCode.XUserTaken);
        details = (error as ConflictError<ContactErrorCode>).details;
      }
      expect(details).toMatchObject({ contactId: first.id, xUserId: '4242' });
      expect((await store.search({})).items).toHaveLength(1);
    });

    it('updates only the fields given, bumps the version, and clears the X identity with null', async () => {
      const created = await store.create({ name: 'Dana', emails: ['a@b.example'], xHandle: 'dana', xUserId: '7' }, ADA);
      const updated = await store.update(created.id, { phones: ['+1 555 0100'], notes: 'VIP' }, { agentId: 'bob', at: ADA.at + 5 });
      expect(updated).toEqual({ ...created, phones: ['+15550100'], notes: 'VIP', updatedAt: ADA.at + 5, updatedBy: 'bob', version: 2 });
      const cleared = await store.update(created.id, { xHandle: null, xUserId: null }, { agentId: 'bob', at: ADA.at + 6 });
      expect(cleared).toMatchObject({ xHandle: null, xUserId: null, emails: ['a@b.example'], version: 3 });
      expect(await store.get(created.id)).toEqual(cleared);
    });

    it('refuses an update from a stale version, of an unknown contact, or taking another contact’s X user', async () => {
      const dana = await store.create({ name: 'Dana', xUserId: '100' }, ADA);
      const eli = await store.create({ name: 'Eli', xUserId: '200' }, ADA);
      await store.update(dana.id, { notes: 'first' }, ADA);
      expect(await codeOf(store.update(dana.id, { notes: 'second', expectedVersion: 1 }, ADA))).toBe(ContactErrorCode.Changed);
      expect(await codeOf(store.update(randomUUID(), { notes: 'x' }, ADA))).toBe(ContactErrorCode.NotFound);
      expect(await codeOf(store.update(eli.id, { xUserId: '100' }, ADA))).toBe(ContactErrorCode.XUserTaken);
      expect(await store.get(eli.id)).toEqual(eli);
      expect((await store.update(dana.id, { notes: 'second', expectedVersion: 2 }, ADA)).notes).toBe('second');
    });

    it('finds contacts by part of the name, an email, the digits of a phone, or the X handle, case-insensitively', async () => {
      const dana = await store.create({ name: 'Dana Flies', emails: ['dana@example.com'], phones: ['+33 6 12 34 56 78'], xHandle: 'Dana_Flies' }, ADA);
      const eli = await store.create({ name: 'Eli Stone', emails: ['eli@stone.example'], phones: ['555-0100'], xHandle: 'eli_s' }, ADA);
      const ids = async (q: string): Promise<string[]> => (await store.search({ q })).items.map((contact: Contact) => contact.id);
      expect(await ids('fLIES')).toEqual([dana.id]);
      expect(await ids('STONE.example')).toEqual([eli.id]);
      expect(await ids('06 12 34')).toEqual([]);
      expect(await ids('612 34')).toEqual([dana.id]);
      expect(await ids('@eli_s')).toEqual([eli.id]);
      expect(await ids('nobody')).toEqual([]);
      // LIKE's wildcards are searched for as themselves.
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([dana.id, eli.id]);
    });

    it('pages through contacts by name then id, without repeats or gaps', async () => {
      const names = ['carol', 'Alice', 'bob', 'alice', 'Dave'];
      for (const contactName of names) await store.create({ name: contactName }, ADA);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.search({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.items.map((contact) => contact.name));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== undefined && pages < 10);
      expect(pages).toBe(3);
      expect(seen.map((n) => n.toLowerCase())).toEqual(['alice', 'alice', 'bob', 'carol', 'dave']);
      expect(await codeOf(store.search({ cursor: 'garbage' }))).toBe('validation-failed');
    });

    it('deletes a contact: gone from reads, search and matching, and its X user id free again', async () => {
      const dana = await store.create({ name: 'Dana', xUserId: '42', emails: ['dana@example.com'] }, ADA);
      expect(await store.delete(dana.id)).toBe(true);
      expect(await store.delete(dana.id)).toBe(false);
      expect(await store.get(dana.id)).toBeNull();
      expect((await store.search({ q: 'dana' })).items).toEqual([]);
      expect(await store.matchAuthor({ xUserId: '42' })).toBeNull();
      expect((await store.create({ name: 'Dana again', xUserId: '42' }, ADA)).xUserId).toBe('42');
    });

    it("matches an X author by user id first, then by handle only among contacts without a user id", async () => {
      const byId = await store.create({ name: 'Dana', xUserId: '42', xHandle: 'old_handle' }, ADA);
      const byHandle = await store.create({ name: 'Eli', xHandle: 'Eli_S' }, ADA);
      await store.create({ name: 'Someone else', xHandle: 'taken_handle', xUserId: '99' }, ADA);
      expect((await store.matchAuthor({ xUserId: '42', xHandle: 'eli_s' }))?.id).toBe(byId.id);
      expect((await store.matchAuthor({ xUserId: '77', xHandle: '@ELI_s' }))?.id).toBe(byHandle.id);
      // The handle belongs to a contact with another user id: a handle changes hands, a user id never does.
      expect(await store.matchAuthor({ xUserId: '77', xHandle: 'taken_handle' })).toBeNull();
      expect(await store.matchAuthor({})).toBeNull();
    });
  });
}
