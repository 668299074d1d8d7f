import { ValidationFailedError } from '@perch/platform';

/** The page size asked for, within [1, max]; `byDefault` when none is asked. */
export function pageSize(limit: number | undefined, byDefault: number, max: number): number {
  return Math.min(Math.max(limit ?? byDefault, 1), max);
}

/** Where a newest-first page ends: its last item's (time, id) sort key, opaque to clients. */
export function encodeTimeIdCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/** The (time, id) key of a cursor this API returned; a 400 naming `cursor` for anything else. */
export function decodeTimeIdCursor(cursor: string): { at: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') return { at: parsed[0], id: parsed[1] };
  } catch {
    // The 400 below.
  }
  throw new ValidationFailedError('Invalid cursor', [{ field: 'cursor', messages: ['cursor must be a nextCursor this API returned'] }]);
}

/** A page from rows read one beyond `limit`: the first `limit`, and the next page's cursor when there were more. */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): { items: T[]; nextCursor?: string } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, nextCursor: cursorOf(last) } : { items };
}
