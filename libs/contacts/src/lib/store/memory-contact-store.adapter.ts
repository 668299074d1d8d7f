import { newId } from '@perch/platform';

import { compareContacts, contactMatches, decodeContactCursor, draftFields, encodeContactCursor, pageLimit, patchFields, searchTerms } from './contact-fields.util';
import { changed, notFound, xUserTaken } from './contact-refusals.util';
import { type ContactStore } from './contact-store.port';
import {
  type Contact,
  type ContactChangeMeta,
  type ContactDraft,
  type ContactPage,
  type ContactPatch,
  type ContactSearch,
  type XIdentity,
} from './contact.types';

/** ContactStore in memory: tests, and a gateway started without a database for contacts. */
export class MemoryContactStore implements ContactStore {
  private readonly contacts = new Map<string, Contact>();

  async start(): Promise<void> {
    // Nothing to create.
  }

  async stop(): Promise<void> {
    // Nothing to release.
  }

  async create(draft: ContactDraft, meta: ContactChangeMeta): Promise<Contact> {
    const fields = draftFields(draft);
    this.assertXUserFree(fields.xUserId, null);
    const contact: Contact = { id: newId(), ...fields, createdAt: meta.at, updatedAt: meta.at, createdBy: meta.agentId, updatedBy: meta.agentId, version: 1 };
    this.contacts.set(contact.id, contact);
    return copy(contact);
  }

  async update(id: string, patch: ContactPatch, meta: ContactChangeMeta): Promise<Contact> {
    const fields = patchFields(patch);
    const current = this.contacts.get(id);
    if (!current) throw notFound(id);
    if (patch.expectedVersion !== undefined && patch.expectedVersion !== current.version) throw changed(id, current.version);
    if (fields.xUserId !== undefined) this.assertXUserFree(fields.xUserId, id);
    const next: Contact = { ...current, ...fields, updatedAt: Math.max(meta.at, current.updatedAt), updatedBy: meta.agentId, version: current.version + 1 };
    this.contacts.set(id, next);
    return copy(next);
  }

  async get(id: string): Promise<Contact | null> {
    const contact = this.contacts.get(id);
    return contact ? copy(contact) : null;
  }

  async delete(id: string): Promise<boolean> {
    return this.contacts.delete(id);
  }

  async search(query: ContactSearch): Promise<ContactPage> {
    const limit = pageLimit(query.limit);
    const after = query.cursor === undefined ? null : decodeContactCursor(query.cursor);
    const terms = searchTerms(query.q);
    const matching = [...this.contacts.values()]
      .filter((contact) => terms === null || contactMatches(contact, terms))
      .filter((contact) => after === null || compareContacts(contact, after) > 0)
      .sort(compareContacts);
    const items = matching.slice(0, limit).map(copy);
    const last = items[items.length - 1];
    return matching.length > limit && last ? { items, nextCursor: encodeContactCursor(last) } : { items };
  }

  async matchAuthor(author: XIdentity): Promise<Contact | null> {
    const all = [...this.contacts.values()].sort((a, b) => a.createdAt - b.createdAt || compareContacts(a, b));
    const byId = author.xUserId ? all.find((contact) => contact.xUserId === author.xUserId) : undefined;
    if (byId) return copy(byId);
    const handle = author.xHandle?.replace(/^@/, '').toLowerCase();
    const byHandle = handle ? all.find((contact) => contact.xUserId === null && contact.xHandle?.toLowerCase() === handle) : undefined;
    return byHandle ? copy(byHandle) : null;
  }

  private assertXUserFree(xUserId: string | null, self: string | null): void {
    if (xUserId === null) return;
    const holder = [...this.contacts.values()].find((contact) => contact.xUserId === xUserId && contact.id !== self);
    if (holder) throw xUserTaken(xUserId, holder.id);
  }
}

function copy(contact: Contact): Contact {
  return { ...contact, emails: [...contact.emails], phones: [...contact.phones] };
}
