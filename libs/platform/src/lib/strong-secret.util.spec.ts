import 'reflect-metadata';

import { randomBytes, randomUUID } from 'node:crypto';

import { ConfigError, loadConfig } from './config.util';
import { IsStrongSecret, KNOWN_DEFAULT_SECRETS, secretWeakness } from './strong-secret.util';

class SecretConfig {
  @IsStrongSecret()
  SOME_SECRET!: string;

  @IsStrongSecret({ knownDefaults: ['our-own-demo-secret-that-is-long-enough-xyz'] })
  OTHER_SECRET = randomBytes(32).toString('hex');
}

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(SecretConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('secretWeakness', () => {
  it('accepts values made by openssl rand -hex, base64, UUID pairs and X-style consumer secrets', () => {
    // Many draws: a rule that random values trip now and then would show here.
    for (let i = 0; i < 200; i++) {
      expect(secretWeakness(randomBytes(32).toString('hex'))).toBeUndefined();
      expect(secretWeakness(randomBytes(16).toString('hex'))).toBeUndefined();
      expect(secretWeakness(randomBytes(32).toString('base64url'))).toBeUndefined();
      expect(secretWeakness(`${randomUUID()}${randomUUID()}`)).toBeUndefined();
    }
    expect(secretWeakness('Jx3kP9qLm2VbN8wR4tYz7HcF1sDgA6eUoI5nKjQ0rWvXyZaB2M')).toBeUndefined();
  });

  it('refuses every default that ever shipped with Perch, whatever its case', () => {
    for (const known of KNOWN_DEFAULT_SECRETS) {
      expect(secretWeakness(known)).toBe('is a default that shipped publicly with Perch');
      expect(secretWeakness(` ${known.toUpperCase()} `)).toBe('is a default that shipped publicly with Perch');
    }
    expect(secretWeakness('change-me-to-a-long-random-secret-0000')).toBeDefined();
    expect(secretWeakness('local-development-secret-change-me-0000')).toBeDefined();
  });

  it('refuses placeholders even when they are long and varied', () => {
    expect(secretWeakness('please-CHANGE-ME-before-going-live-2024!')).toBe('is a placeholder');
    expect(secretWeakness('replace_me_with_a_real_random_secret_42')).toBe('is a placeholder');
  });

  it('refuses values shorter than 32 characters, or the configured minimum', () => {
    expect(secretWeakness(randomBytes(15).toString('hex'))).toBe('is shorter than 32 characters');
    expect(secretWeakness(randomBytes(32).toString('hex'), { minLength: 80 })).toBe('is shorter than 80 characters');
    expect(secretWeakness(undefined)).toBe('is missing');
    expect(secretWeakness('')).toBe('is missing');
  });

  it('refuses low-entropy values: few distinct characters, one class, repetitions, alphabet walks', () => {
    expect(secretWeakness('a'.repeat(64))).toMatch(/only 1 distinct characters/);
    expect(secretWeakness('0101010101010101010101010101010123')).toMatch(/only 4 distinct characters/);
    expect(secretWeakness('31415926535897932384626433832795028841971')).toBe('is all digits or all letters of one case');
    expect(secretWeakness('qwertyuiopasdfghjklzxcvbnmqwertyuiop')).toBe('is all digits or all letters of one case');
    expect(secretWeakness('Abc123-Xyz789!Abc123-Xyz789!Abc123-Xyz789!')).toBe('repeats a shorter pattern');
    expect(secretWeakness('abcdefghijklmnopqrstuvwxyz0123456789')).toBe('is mostly runs of equal or consecutive characters');
  });
});

describe('IsStrongSecret in a loadConfig class', () => {
  it('names the variable, the reason and how to make a good secret, without echoing the value', () => {
    const message = problemsOf({ SOME_SECRET: 'change-me-to-a-long-random-secret-0000' });
    expect(message).toMatch(/SOME_SECRET \(SOME_SECRET is a default that shipped publicly with Perch: make one with `openssl rand -hex 32`\)/);
    expect(message).not.toContain('change-me-to-a-long-random-secret-0000');
  });

  it('reports every weak secret in one error, including extra known defaults', () => {
    const message = problemsOf({ SOME_SECRET: 'short', OTHER_SECRET: 'our-own-demo-secret-that-is-long-enough-xyz' });
    expect(message).toMatch(/SOME_SECRET is shorter than 32 characters/);
    expect(message).toMatch(/OTHER_SECRET is a default that shipped publicly with Perch/);
  });

  it('refuses a missing secret and accepts a random one', () => {
    expect(problemsOf({})).toMatch(/SOME_SECRET is missing/);
    const secret = randomBytes(32).toString('hex');
    expect(loadConfig(SecretConfig, { SOME_SECRET: secret }).SOME_SECRET).toBe(secret);
  });
});
