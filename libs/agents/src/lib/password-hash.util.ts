import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import pLimit from 'p-limit';

// Format: scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>; the parameters travel with the hash so
// they can be raised later without invalidating stored hashes.
const DEFAULTS = { N: 16384, r: 8, p: 1, keyLength: 32 };

/** scrypt's cost parameters; every sign-in path must pay the same ones, or its timing names the case. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = { N: DEFAULTS.N, r: DEFAULTS.r, p: DEFAULTS.p };

/** The parameters a stored hash was made with; null when it is not a well-formed scrypt hash. */
export function scryptParamsOf(stored: string): ScryptParams | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt' || !parts[4] || !parts[5]) return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0)) return null;
  return { N, r, p };
}

/**
 * A hash no password matches, with these parameters: verifying against it costs what a real check costs
 * (used for unknown usernames). Random bytes, so no scrypt is spent making it.
 */
export function unmatchableHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): string {
  return ['scrypt', params.N, params.r, params.p, randomBytes(16).toString('base64url'), randomBytes(DEFAULTS.keyLength).toString('base64url')].join('$');
}

/**
 * Derivations running at once in this process; the rest wait in order. Each takes 128·N·r bytes (16 MB at the defaults)
 * on one of libuv's four threads for tens of ms: a shift's sign-in storm ran four at once, 64 MB of transient RSS on the
 * gateway and no thread left for file and DNS work. Process-wide because the threads and the memory are.
 */
export const PASSWORD_DERIVATIONS_AT_ONCE = 2;
const derivations = pLimit(PASSWORD_DERIVATIONS_AT_ONCE);

/** Derivations running and waiting for their turn (sign-ins, new users and password changes alike). */
export function passwordDerivations(): { running: number; waiting: number } {
  return { running: derivations.activeCount, waiting: derivations.pendingCount };
}

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return derivations(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => {
          if (error) reject(error);
          else resolve(key);
        });
      }),
  );
}

export async function hashPassword(password: string, params: { N?: number; r?: number; p?: number } = {}): Promise<string> {
  const N = params.N ?? DEFAULTS.N;
  const r = params.r ?? DEFAULTS.r;
  const p = params.p ?? DEFAULTS.p;
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULTS.keyLength, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong password and for a malformed hash; never throws on bad input. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, hashText] = parts;
  const expected = Buffer.from(hashText ?? '', 'base64url');
  if (expected.length === 0) return false;
  try {
    const key = await derive(password, Buffer.from(saltText ?? '', 'base64url'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}
