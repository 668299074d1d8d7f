import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

// Format: scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>; the parameters travel with the hash so
// they can be raised later without invalidating stored hashes.
const DEFAULTS = { N: 16384, r: 8, p: 1, keyLength: 32 };

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
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
