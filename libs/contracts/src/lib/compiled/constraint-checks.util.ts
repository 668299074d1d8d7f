import {
  isISO8601,
  isNumber,
  type IsNumberOptions,
  isNumberString,
  isURL,
  isUUID,
  length,
  matches,
  maxLength,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** One constraint of a property, bound to its decorator's arguments: true when the value passes. */
export type ConstraintTest = (value: unknown, object: object) => boolean;

type TestBuilder = (constraints: readonly unknown[]) => ConstraintTest;

// Code units that make validator.js's isLength count differently from String#length (surrogate pairs, variation
// selectors): only strings holding one take the exact, slower path.
const LENGTH_ADJUSTING = /[\uD800-\uDBFF]|\uFE0E|\uFE0F/;

function lengthWithin(value: string, min: number | undefined, max: number | undefined): boolean {
  if (!LENGTH_ADJUSTING.test(value)) {
    const n = value.length;
    return n >= (min ?? 0) && (max === undefined || n <= max);
  }
  return length(value, min as number, max as number);
}

/**
 * The checks of class-validator's built-in decorators, by constraint name, each doing exactly what the decorator's
 * `validate` does (the trivial ones inline, the others through the same validator.js function class-validator calls).
 * A name missing here makes the compiler refuse the class.
 */
const BUILT_IN: Readonly<Record<string, TestBuilder>> = {
  isString: () => (value) => typeof value === 'string' || value instanceof String,
  isBoolean: () => (value) => typeof value === 'boolean' || value instanceof Boolean,
  isInt: () => (value) => typeof value === 'number' && Number.isInteger(value),
  isNumber: ([options]) => {
    const opts = (options ?? {}) as IsNumberOptions;
    return (value) => isNumber(value, opts);
  },
  isArray: () => (value) => Array.isArray(value),
  isObject: () => (value) => value != null && (typeof value === 'object' || typeof value === 'function') && !Array.isArray(value),
  min: ([bound]) => (value) => typeof value === 'number' && typeof bound === 'number' && value >= bound,
  max: ([bound]) => (value) => typeof value === 'number' && typeof bound === 'number' && value <= bound,
  isLength: ([min, max]) => (value) => typeof value === 'string' && lengthWithin(value, min as number | undefined, max as number | undefined),
  maxLength: ([max]) => (value) => typeof value === 'string' && (value.length <= (max as number) ? true : maxLength(value, max as number)),
  arrayMaxSize: ([max]) => (value) => Array.isArray(value) && value.length <= (max as number),
  isIn: ([possible]) => {
    if (!Array.isArray(possible)) return () => false;
    // `===` membership; a Set answers the same for the string lists contracts use (no NaN, no -0 among them).
    if (possible.every((candidate) => typeof candidate === 'string')) {
      const set = new Set<unknown>(possible);
      return (value) => typeof value === 'string' && set.has(value);
    }
    return (value) => possible.some((candidate) => candidate === value);
  },
  isUuid: ([version]) => (value) => isUUID(value, version as Parameters<typeof isUUID>[1]),
  isIso8601: ([options]) => (value) => isISO8601(value, options as Parameters<typeof isISO8601>[1]),
  isNumberString: ([options]) => (value) => isNumberString(value as string, options as Parameters<typeof isNumberString>[1]),
  isUrl: ([options]) => (value) => isURL(value as string, options as Parameters<typeof isURL>[1]),
  matches: ([pattern, modifiers]) => {
    // validator.js's matches() is String#match, which for a regex without g or y is RegExp#test.
    if (pattern instanceof RegExp && !pattern.global && !pattern.sticky) return (value) => typeof value === 'string' && pattern.test(value);
    const matchesLoose = matches as (value: unknown, pattern: unknown, modifiers?: unknown) => boolean;
    return (value) => matchesLoose(value, pattern, modifiers);
  },
};

/**
 * Custom constraints written in this library (ValidateBy), which the compiled validator calls as class-validator does:
 * synchronous, pure functions of the value and the object. Listing one here is a review decision.
 */
const DELEGATED_CUSTOM = new Set<string>([
  // agent-command.payload.ts: a channel capacity of public 0 and dm 0 holds nothing.
  'holdsSomething',
]);

export function isKnownConstraint(name: string): boolean {
  return name in BUILT_IN || DELEGATED_CUSTOM.has(name);
}

/** The check for one decorator use; undefined when the constraint is unknown (the compiler then refuses the class). */
export function constraintTest(
  name: string,
  constraints: readonly unknown[],
  validator: ValidatorConstraintInterface,
  className: string,
  propertyName: string,
): ConstraintTest | undefined {
  const builder = Object.prototype.hasOwnProperty.call(BUILT_IN, name) ? BUILT_IN[name] : undefined;
  if (builder) return builder(constraints);
  if (!DELEGATED_CUSTOM.has(name)) return undefined;
  return (value, object) => {
    const args: ValidationArguments = { targetName: className, property: propertyName, object, value, constraints: constraints as unknown[] };
    return Boolean(validator.validate(value, args));
  };
}
