// Narrowing for Lua replies (ioredis types them unknown). A shape error means the script and the
// parser disagree: a bug, so it throws a plain Error rather than a domain result.

export type NullableStrings = (string | null)[];

export function replyArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`Unexpected Redis reply for ${what}: ${JSON.stringify(value)}`);
  return value as unknown[];
}

export function replyString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`Unexpected Redis reply for ${what}: expected a string, got ${JSON.stringify(value)}`);
}

export function replyNullableStrings(value: unknown, what: string): NullableStrings {
  return replyArray(value, what).map((item) => (item === null ? null : replyString(item, what)));
}

/**
 * `what` names the field in the error. A hot parser passes one describer of its record and the field's name instead:
 * the text is then made only when there is an error, and no closure per field.
 */
export type FieldDescriber = string | ((field: string) => string);

export function requiredNumber(value: string | null | undefined, what: FieldDescriber, field = ''): number {
  const parsed = value === null || value === undefined ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`Corrupt routing record: ${typeof what === 'string' ? what : what(field)} is ${String(value)}`);
  return parsed;
}

export function optionalNumber(value: string | null | undefined, what: FieldDescriber, field = ''): number | undefined {
  return value === null || value === undefined ? undefined : requiredNumber(value, what, field);
}
