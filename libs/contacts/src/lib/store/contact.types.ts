/** A customer as the brand keeps them: how to reach them on X and on other channels. */
export interface Contact {
  id: string;
  name: string;
  /** Lower-case, no duplicates, in the order given. */
  emails: string[];
  /** Digits with an optional leading +, no duplicates, in the order given. */
  phones: string[];
  /** Without '@', as X spells it. */
  xHandle: string | null;
  /** X's numeric user id: what an interaction's author is matched by first (handles change hands). */
  xUserId: string | null;
  notes: string;
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
  /** The agent who created it, and who changed it last. */
  createdBy: string;
  updatedBy: string;
  /** Starts at 1, +1 per update: a PATCH may name the version it read (409 contact-changed otherwise). */
  version: number;
}

/** A new contact. Fields are normalized (see normalizeContactFields) before they are kept. */
export interface ContactDraft {
  name: string;
  emails?: readonly string[];
  phones?: readonly string[];
  xHandle?: string | null;
  xUserId?: string | null;
  notes?: string;
}

/** A change: absent fields stay; null clears the X identity; lists replace the whole list. */
export interface ContactPatch {
  name?: string;
  emails?: readonly string[];
  phones?: readonly string[];
  xHandle?: string | null;
  xUserId?: string | null;
  notes?: string;
  /** The version the caller read; omitted: last write wins. */
  expectedVersion?: number;
}

/** Who did it and when. */
export interface ContactChangeMeta {
  agentId: string;
  at: number;
}

/** An interaction's author as X described them. */
export interface XIdentity {
  xUserId?: string | null;
  xHandle?: string | null;
}

export interface ContactSearch {
  /** Matched case-insensitively in the name, the emails, the phone numbers (digits) and the X handle; empty: all. */
  q?: string;
  /** Default 20, at most 100. */
  limit?: number;
  /** From the previous page's nextCursor. */
  cursor?: string;
}

/** A page of contacts ordered by name (case-insensitive), then id. */
export interface ContactPage {
  items: Contact[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export const DEFAULT_CONTACT_PAGE = 20;
export const MAX_CONTACT_PAGE = 100;
