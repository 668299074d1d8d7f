import { parseId } from '../state/snowflake.util';
import type { InvalidParameter } from './problems.util';

/** Collects query/body problems so one 400 names all of them, like X's invalid-request errors[]. */
export class ParameterProblems {
  readonly list: InvalidParameter[] = [];

  get any(): boolean {
    return this.list.length > 0;
  }

  add(parameter: string, value: string, message: string): void {
    this.list.push({ parameter, value, message });
  }

  /** An optional integer query parameter within [min, max]. */
  int(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(name, raw, `The \`${name}\` query parameter value [${raw}] is not between ${min} and ${max}`);
      return fallback;
    }
    return value;
  }

  /** An optional id query parameter (1–19 digits). */
  id(query: URLSearchParams, name: string): bigint | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = parseId(raw);
    if (value === undefined) {
      this.add(name, raw, `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`);
    }
    return value;
  }

  /** An optional RFC 3339 timestamp query parameter, as epoch ms. */
  time(query: URLSearchParams, name: string): number | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = Date.parse(raw);
    if (Number.isNaN(value)) {
      this.add(name, raw, `The \`${name}\` query parameter value [${raw}] is not a valid RFC 3339 timestamp`);
      return undefined;
    }
    return value;
  }

  /** A required id path parameter. */
  pathId(name: string, raw: string): string {
    if (parseId(raw) === undefined) {
      this.add(name, raw, `The \`${name}\` path parameter value [${raw}] does not match ^[0-9]{1,19}$`);
    }
    return raw;
  }

  /** Comma-separated ids (1..max). */
  ids(query: URLSearchParams, name: string, max: number): string[] {
    const raw = query.get(name);
    if (raw === null || raw.trim() === '') {
      this.add(name, raw ?? '', `The \`${name}\` query parameter can not be empty`);
      return [];
    }
    const ids = raw.split(',').map((v) => v.trim());
    if (ids.length > max) this.add(name, raw, `The \`${name}\` query parameter can have at most ${max} values`);
    for (const id of ids) {
      if (parseId(id) === undefined) {
        this.add(name, id, `The \`${name}\` query parameter value [${id}] does not match ^[0-9]{1,19}$`);
      }
    }
    return ids;
  }

  /** The optional pagination_token: the digits its cursor of `kind` holds (see encodeCursor); undefined when absent or invalid. */
  numericCursor(query: URLSearchParams, kind: string): string | undefined {
    const token = query.get('pagination_token');
    if (token === null) return undefined;
    const decoded = decodeCursor(kind, token);
    if (decoded === undefined || !/^\d+$/.test(decoded)) {
      this.add('pagination_token', token, 'Invalid pagination token');
      return undefined;
    }
    return decoded;
  }
}

/** Opaque-looking pagination cursors ("prefix:value" base64url), like X's next_token strings. */
export function encodeCursor(prefix: string, value: string): string {
  return Buffer.from(`${prefix}:${value}`).toString('base64url');
}

export function decodeCursor(prefix: string, token: string): string | undefined {
  const decoded = Buffer.from(token, 'base64url').toString();
  return decoded.startsWith(`${prefix}:`) ? decoded.slice(prefix.length + 1) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
