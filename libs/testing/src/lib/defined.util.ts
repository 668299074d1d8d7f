/**
 * The value, narrowed to present: a test that reads an element or an optional field it expects fails here, naming
 * what was missing, instead of asserting on `undefined` or using a non-null assertion.
 */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} missing`);
  return value;
}
