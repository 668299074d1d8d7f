// What a session keeps in this tab's sessionStorage: the token, and whatever a page saves under the `perch.` prefix
// (the consulted colleague's threads); all of it goes at sign-out, so whoever signs in next starts clean.

const PREFIX = 'perch.';
const TOKEN_KEY = `${PREFIX}token`;

export function readToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function writeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearSessionStorage(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}

/** A page's own value for this session, as JSON (null when missing or unreadable). */
export function readSaved<T>(name: string, valid: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(`${PREFIX}${name}`) ?? 'null');
    return valid(value) ? value : null;
  } catch {
    return null;
  }
}

export function writeSaved(name: string, value: unknown): void {
  sessionStorage.setItem(`${PREFIX}${name}`, JSON.stringify(value));
}
