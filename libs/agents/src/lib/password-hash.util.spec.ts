import { hashPassword, PASSWORD_DERIVATIONS_AT_ONCE, passwordDerivations, scryptParamsOf, unmatchableHash, verifyPassword } from './password-hash.util';

// Cheap parameters: what these tests check is the format and the bound, not scrypt's cost.
const CHEAP = { N: 1024, r: 8, p: 1 };

/** Lets p-limit start what it may: it takes a waiting derivation on a later microtask. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('password hashing', () => {
  it('verifies the password a hash was made from and refuses any other', async () => {
    const stored = await hashPassword('correct horse', CHEAP);

    expect(scryptParamsOf(stored)).toEqual(CHEAP);
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse ', stored)).resolves.toBe(false);
  });

  it('treats a password and its NFC form as the same password', async () => {
    const stored = await hashPassword('caf\u00e9', CHEAP);

    await expect(verifyPassword('cafe\u0301', stored)).resolves.toBe(true);
  });

  it('answers false for malformed hashes instead of throwing', async () => {
    await expect(verifyPassword('x', 'not-a-hash')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$1024$8$1$c2FsdA$')).resolves.toBe(false);
    // N must be a power of two: scrypt itself refuses it.
    await expect(verifyPassword('x', 'scrypt$1000$8$1$c2FsdA$aGFzaA')).resolves.toBe(false);
  });

  it('makes unmatchable hashes with the given parameters that no password matches', async () => {
    const stored = unmatchableHash(CHEAP);

    expect(scryptParamsOf(stored)).toEqual(CHEAP);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });
});

describe('password derivations at once', () => {
  it('runs at most two derivations at once and the rest in turn, each still answered', async () => {
    const stored = await hashPassword('pw', CHEAP);
    const checks = ['pw', 'no', 'pw', 'no', 'pw', 'no'].map((password) => verifyPassword(password, stored));
    await settle();

    expect(PASSWORD_DERIVATIONS_AT_ONCE).toBe(2);
    expect(passwordDerivations()).toEqual({ running: 2, waiting: 4 });
    await expect(Promise.all(checks)).resolves.toEqual([true, false, true, false, true, false]);
    expect(passwordDerivations()).toEqual({ running: 0, waiting: 0 });
  });

  it('gives a failed derivation its place back', async () => {
    const stored = await hashPassword('pw', CHEAP);
    // scrypt refuses N=1000 (not a power of two): those fail inside the bound and must not hold it.
    const broken = 'scrypt$1000$8$1$c2FsdA$aGFzaA';
    const checks = [broken, broken, broken, stored].map((hash) => verifyPassword('pw', hash));

    await expect(Promise.all(checks)).resolves.toEqual([false, false, false, true]);
    expect(passwordDerivations()).toEqual({ running: 0, waiting: 0 });
  });

  it('bounds new hashes with sign-ins: both use the same two places', async () => {
    const stored = await hashPassword('pw', CHEAP);
    const work = [hashPassword('a', CHEAP), verifyPassword('pw', stored), hashPassword('b', CHEAP)];
    await settle();

    expect(passwordDerivations()).toEqual({ running: 2, waiting: 1 });
    const [a, ok, b] = await Promise.all(work);
    expect(ok).toBe(true);
    await expect(verifyPassword('a', a as string)).resolves.toBe(true);
    await expect(verifyPassword('b', b as string)).resolves.toBe(true);
  });
});
