import {
  type Contact,
  type ContactChangeMeta,
  type ContactDraft,
  type ContactPage,
  type ContactPatch,
  type ContactSearch,
  type XIdentity,
} from './contact.types';

/**
 * The brand's contacts (PostgreSQL through the SqlClient port: a server, or PGlite in the embedded mode; memory in
 * tests). Fields are validated and normalized by every adapter alike. Contract: testing/contact-store.contract.ts.
 */
export interface ContactStore {
  /** Creates what the adapter needs (idempotent); call once before use. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** 400 on bad fields; 409 contact-x-user-taken when another contact has the X user id. */
  create(draft: ContactDraft, meta: ContactChangeMeta): Promise<Contact>;
  /** 404 contact-not-found; 409 contact-changed (expectedVersion) or contact-x-user-taken; 400 on bad fields. */
  update(id: string, patch: ContactPatch, meta: ContactChangeMeta): Promise<Contact>;
  get(id: string): Promise<Contact | null>;
  /** Removes the contact (a data-protection request); false when there was none. Transcripts keep only its id. */
  delete(id: string): Promise<boolean>;
  search(query: ContactSearch): Promise<ContactPage>;
  /**
   * The contact of an X author: the one with their user id; else, when none has it, one with their handle and no
   * user id of its own (a handle alone may have changed hands, a user id never does); else null.
   */
  matchAuthor(author: XIdentity): Promise<Contact | null>;
}
