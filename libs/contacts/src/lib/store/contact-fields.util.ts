import { ValidationFailedError } from '@perch/platform';

import {
  type Contact,
  type ContactDraft,
  type ContactPatch,
  DEFAULT_CONTACT_PAGE,
  MAX_CONTACT_PAGE,
} from './contact.types';

/** Limits every adapter and the API apply. */
export const CONTACT_LIMITS = { name: 200, notes: 4000, emails: 10, phones: 10, email: 254, phone: 32 } as const;

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
/** Digits, spaces, ( ) . - and a leading +, with 3 to 20 digits. */
const PHONE = /^(?=(?:\D*\d){3,20}\D*$)\+?[0-9 ().-]{3,32}$/;
const HANDLE = /^@?[A-Za-z0-9_]{1,15}$/;
const X_USER_ID = /^[0-9]{1,19}$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Digits, with the leading + kept: "+33 6 12-34" and "+33612 34" are the same number. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/[^0-9]/g, '')}`;
}

export function normalizeHandle(handle: string): string {
  return handle.trim().replace(/^@/, '');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

type Problems = { field: string; messages: string[] }[];

function checkList(problems: Problems, field: 'emails' | 'phones', values: readonly string[] | undefined, pattern: RegExp): void {
  if (values === undefined) return;
  if (values.length > CONTACT_LIMITS[field]) problems.push({ field, messages: [`at most ${CONTACT_LIMITS[field]} ${field}`] });
  const bad = values.filter((value) => !pattern.test(value.trim()) || value.length > (field === 'emails' ? CONTACT_LIMITS.email : CONTACT_LIMITS.phone));
  if (bad.length > 0) problems.push({ field, messages: bad.map((value) => `${JSON.stringify(value)} is not ${field === 'emails' ? 'an email address' : 'a phone number'}`) });
}

/** 400 naming every bad field; the same rules whatever the caller (the API's DTOs check the same first). */
export function assertContactFields(fields: ContactPatch, requireName: boolean): void {
  const problems: Problems = [];
  if (fields.name !== undefined || requireName) {
    const name = fields.name?.trim() ?? '';
    if (name.length === 0 || name.length > CONTACT_LIMITS.name) problems.push({ field: 'name', messages: [`name must be 1..${CONTACT_LIMITS.name} characters`] });
  }
  checkList(problems, 'emails', fields.emails, EMAIL);
  checkList(problems, 'phones', fields.phones, PHONE);
  if (fields.xHandle !== undefined && fields.xHandle !== null && !HANDLE.test(fields.xHandle.trim())) {
    problems.push({ field: 'xHandle', messages: ['xHandle must be an X username: 1..15 letters, digits or _'] });
  }
  if (fields.xUserId !== undefined && fields.xUserId !== null && !X_USER_ID.test(fields.xUserId)) {
    problems.push({ field: 'xUserId', messages: ["xUserId must be X's numeric user id"] });
  }
  if (fields.notes !== undefined && fields.notes.length > CONTACT_LIMITS.notes) {
    problems.push({ field: 'notes', messages: [`notes must be at most ${CONTACT_LIMITS.notes} characters`] });
  }
  if (problems.length > 0) throw new ValidationFailedError(`Invalid contact: ${problems.map((p) => p.field).join(', ')}`, problems);
}

/** A new contact's stored fields, validated and normalized. */
export function draftFields(draft: ContactDraft): Pick<Contact, 'name' | 'emails' | 'phones' | 'xHandle' | 'xUserId' | 'notes'> {
  assertContactFields(draft, true);
  return {
    name: draft.name.trim(),
    emails: unique((draft.emails ?? []).map(normalizeEmail)),
    phones: unique((draft.phones ?? []).map(normalizePhone)),
    xHandle: draft.xHandle ? normalizeHandle(draft.xHandle) : null,
    xUserId: draft.xUserId ?? null,
    notes: draft.notes ?? '',
  };
}

/** A change's normalized fields (absent ones stay absent). */
export function patchFields(patch: ContactPatch): Partial<Pick<Contact, 'name' | 'emails' | 'phones' | 'xHandle' | 'xUserId' | 'notes'>> {
  assertContactFields(patch, false);
  return {
    ...(patch.name === undefined ? {} : { name: patch.name.trim() }),
    ...(patch.emails === undefined ? {} : { emails: unique(patch.emails.map(normalizeEmail)) }),
    ...(patch.phones === undefined ? {} : { phones: unique(patch.phones.map(normalizePhone)) }),
    ...(patch.xHandle === undefined ? {} : { xHandle: patch.xHandle === null || patch.xHandle.trim() === '' ? null : normalizeHandle(patch.xHandle) }),
    ...(patch.xUserId === undefined ? {} : { xUserId: patch.xUserId }),
    ...(patch.notes === undefined ? {} : { notes: patch.notes }),
  };
}

/** The page size asked for, within bounds. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isInteger(limit) || limit < 1) return DEFAULT_CONTACT_PAGE;
  return Math.min(limit, MAX_CONTACT_PAGE);
}

/** Where a page ends: the last contact's sort key (lower-case name, id), opaque to clients. */
export function encodeContactCursor(contact: Pick<Contact, 'name' | 'id'>): string {
  return Buffer.from(JSON.stringify([contact.name.toLowerCase(), contact.id])).toString('base64url');
}

export function decodeContactCursor(cursor: string): { name: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { name: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', messages: ['cursor must be a nextCursor this API returned'] }]);
}

/** The search text as the adapters match it: trimmed, lower-case; a phone-like query also as its digits. */
export function searchTerms(q: string | undefined): { text: string; digits: string } | null {
  const text = (q ?? '').trim().toLowerCase().replace(/^@/, '');
  if (text.length === 0) return null;
  const digits = /^[+0-9 ().-]+$/.test(text) ? text.replace(/[^0-9]/g, '') : '';
  return { text, digits };
}

/** The memory adapter's match, the same as the SQL one: name, emails, X handle contain the text; phones contain the digits. */
export function contactMatches(contact: Contact, terms: { text: string; digits: string }): boolean {
  return (
    contact.name.toLowerCase().includes(terms.text) ||
    contact.emails.some((email) => email.includes(terms.text)) ||
    (contact.xHandle ?? '').toLowerCase().includes(terms.text) ||
    (terms.digits.length > 0 && contact.phones.some((phone) => phone.replace(/[^0-9]/g, '').includes(terms.digits)))
  );
}

/** Sort order of pages: lower-case name, then id (bytewise, as COLLATE "C"). */
export function compareContacts(a: Pick<Contact, 'name' | 'id'>, b: Pick<Contact, 'name' | 'id'>): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
