import { ValidationFailedError } from '@perch/platform';

import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, type AuditQuery } from './audit-entry.types';

export const DEFAULT_AUDIT_PAGE_SIZE = 100;
export const MAX_AUDIT_PAGE_SIZE = 1000;

/** A position in the log's order: the last entry of the previous page. */
export interface AuditPosition {
  at: string;
  id: string;
}

/** The query with its cursor decoded and its limit and times checked; what adapters run. */
export interface ResolvedAuditQuery {
  actor?: string;
  action?: AuditAction;
  interactionId?: string;
  /** ms since epoch, inclusive. */
  fromMs?: number;
  /** ms since epoch, exclusive. */
  toMs?: number;
  after?: AuditPosition;
  limit: number;
  order: 'asc' | 'desc';
}

export function encodeAuditCursor(entry: Pick<AuditEntry, 'at' | 'id'>): string {
  return Buffer.from(JSON.stringify([entry.at, entry.id]), 'utf8').toString('base64url');
}

function decodeAuditCursor(cursor: string): AuditPosition | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return null;
    return { at, id };
  } catch {
    return null;
  }
}

function parseTime(field: string, value: string | undefined, problems: { field: string; messages: string[] }[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) problems.push({ field, messages: [`${field} must be an ISO 8601 time`] });
  return ms;
}

/** Checks a query once for every adapter; a bad field is a ValidationFailedError naming each one. */
export function resolveAuditQuery(query: AuditQuery): ResolvedAuditQuery {
  const problems: { field: string; messages: string[] }[] = [];
  const fromMs = parseTime('from', query.from, problems);
  const toMs = parseTime('to', query.to, problems);
  const limit = query.limit ?? DEFAULT_AUDIT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE_SIZE) {
    problems.push({ field: 'limit', messages: [`limit must be an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}`] });
  }
  if (query.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(query.action)) {
    problems.push({ field: 'action', messages: [`action must be one of ${AUDIT_ACTIONS.join(', ')}`] });
  }
  const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
  if (after === null) problems.push({ field: 'cursor', messages: ['cursor must be a nextCursor from a previous page'] });
  if (problems.length > 0) {
    throw new ValidationFailedError(`The audit query is invalid: ${problems.map((p) => p.field).join(', ')}`, problems);
  }
  return {
    ...(query.actor === undefined ? {} : { actor: query.actor }),
    ...(query.action === undefined ? {} : { action: query.action }),
    ...(query.interactionId === undefined ? {} : { interactionId: query.interactionId }),
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(after ? { after } : {}),
    limit,
    order: query.order ?? 'asc',
  };
}

/** The log's order: time, then id (ids compare bytewise, like COLLATE "C"). */
export function compareAuditPositions(a: AuditPosition, b: AuditPosition): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `at` as the log keeps it: ISO 8601 UTC with milliseconds (what keyset paging compares). */
export function normalizeAuditTime(at: string | number | Date): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a time: ${String(at)}`);
  return date.toISOString();
}
