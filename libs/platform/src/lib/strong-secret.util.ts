import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** How to make a good one; every refusal says it. */
export const SECRET_HINT = 'make one with `openssl rand -hex 32`';

/**
 * Every secret value this repository ever shipped as an example or default (compose file, README, dev scripts,
 * embedded mode). They are public, so a deployment that kept one lets anyone mint tokens or sign webhooks.
 */
export const KNOWN_DEFAULT_SECRETS: readonly string[] = [
  'change-me-to-a-long-random-secret-0000',
  'change-me-to-a-long-random-secret',
  'local-development-secret-change-me-0000',
  'perch-consumer-secret',
];

/** Words that mark a value as a placeholder someone forgot to replace. */
const PLACEHOLDER = /change[-_ .]?me|replace[-_ .]?me|your[-_ .]?secret|placeholder|example|not[-_ .]?a[-_ .]?secret/i;

export interface StrongSecretOptions {
  /** Shortest accepted value. Default 32. */
  minLength?: number;
  /**
   * Fewest distinct characters. Default 8: `openssl rand -hex 16` (32 characters over 16 symbols) falls below
   * it about once in 30 million draws (below 16 it would most of the time), while "aaaa…" or "1212…" fall far below.
   */
  minDistinctCharacters?: number;
  /** Literals refused on top of KNOWN_DEFAULT_SECRETS. */
  knownDefaults?: readonly string[];
  /** The reason given for a missing value, e.g. "is required when X_WEBHOOK_URL is set". Default "is missing". */
  whenMissing?: string;
}

/**
 * Why a value is not acceptable as a secret, or undefined when it is. The reason never repeats the value,
 * so it can go into logs and start-up errors.
 */
export function secretWeakness(value: unknown, options: StrongSecretOptions = {}): string | undefined {
  const minLength = options.minLength ?? 32;
  const minDistinct = options.minDistinctCharacters ?? 8;
  if (typeof value !== 'string' || value.length === 0) return options.whenMissing ?? 'is missing';
  const normalized = value.trim().toLowerCase();
  const defaults = [...KNOWN_DEFAULT_SECRETS, ...(options.knownDefaults ?? [])].map((known) => known.toLowerCase());
  if (defaults.includes(normalized)) return 'is a default that shipped publicly with Perch';
  if (PLACEHOLDER.test(value)) return 'is a placeholder';
  if (value.length < minLength) return `is shorter than ${minLength} characters`;
  if (/\s/.test(value)) return 'contains whitespace';
  const distinct = new Set(value).size;
  if (distinct < minDistinct) return `uses only ${distinct} distinct characters (at least ${minDistinct} expected)`;
  if (/^(\d+|[a-z]+|[A-Z]+)$/.test(value)) return 'is all digits or all letters of one case';
  if (isRepetition(value)) return 'repeats a shorter pattern';
  if (isMostlyRuns(value)) return 'is mostly runs of equal or consecutive characters';
  return undefined;
}

/** "abc1abc1abc1…": a short chunk typed again and again. */
function isRepetition(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < value.length && repeats; i++) repeats = value[i] === value[i - period];
    if (repeats) return true;
  }
  return false;
}

/** "abcdefgh…0123456789": alphabet walks that pass the distinct-character count (random hex: ~17% of steps). */
function isMostlyRuns(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) <= 1) steps++;
  }
  return steps * 4 > (value.length - 1) * 3;
}

/**
 * class-validator decorator for secrets in loadConfig classes: refuses missing, short, low-entropy, placeholder
 * and publicly known default values, naming the variable and how to make a good one.
 */
export function IsStrongSecret(options: StrongSecretOptions = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isStrongSecret',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate: (value: unknown) => secretWeakness(value, options) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? String(propertyName)} ${secretWeakness(args?.value, options) ?? 'is not a strong secret'}: ${SECRET_HINT}`,
      },
    });
  };
}
