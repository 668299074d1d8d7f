import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { PermanentError } from '@perch/platform';
import { StartupErrorCode } from '@perch/service-kit';

/** The embedded mode's own folder: what must survive a restart lives here (the token secret, later the database). */
export interface DataDir {
  /** Absolute path of the folder; other state (e.g. `<dir>/postgres`) goes beside the secret. */
  dir: string;
  /** Signs agents' bearer tokens: 32 random bytes as hex, made once per folder. */
  tokenSecret: string;
}

export const TOKEN_SECRET_FILE = 'token-secret';

const SECRET_FORMAT = /^[0-9a-f]{64}\n?$/;
// File modes mean nothing on Windows; the checks there would refuse every file.
const POSIX = process.platform !== 'win32';

/**
 * Opens (creating it 0700 if missing) the data folder and its token secret (created 0600 once, then reused), so
 * agents' tokens survive a restart on the same folder and differ between folders. Refuses a secret file others
 * can read or that is not what this function writes, and a folder others can write to (they could swap the file).
 */
export async function openDataDir(path: string): Promise<DataDir> {
  const dir = resolve(path);
  const notAFolder = new PermanentError<StartupErrorCode>(`Perch data folder ${dir} is not a folder (PERCH_DATA_DIR)`, StartupErrorCode.DataDirInvalid, { dir });
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (isCode(error, 'EEXIST') || isCode(error, 'ENOTDIR')) throw notAFolder;
    throw error;
  }
  const info = await stat(dir);
  if (!info.isDirectory()) throw notAFolder;
  if (POSIX && (info.mode & 0o022) !== 0) {
    throw new PermanentError<StartupErrorCode>(
      `Perch data folder ${dir} is writable by other users (mode ${octal(info.mode)}), who could replace its token secret: chmod 700 ${dir}`,
      StartupErrorCode.DataDirUnsafe,
      { dir },
    );
  }
  const file = join(dir, TOKEN_SECRET_FILE);
  const tokenSecret = (await readSecret(file)) ?? (await createSecret(file)) ?? (await readSecret(file));
  if (tokenSecret === undefined) throw new PermanentError<StartupErrorCode>(`Could not create ${file}`, StartupErrorCode.DataDirInvalid, { file });
  return { dir, tokenSecret };
}

/** The secret in `file`, or undefined when there is no such file; refuses an unsafe or malformed one. */
async function readSecret(file: string): Promise<string | undefined> {
  let handle;
  try {
    // No symlinks: the checks below must be about the file actually read.
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    if (isCode(error, 'ELOOP')) throw new PermanentError<StartupErrorCode>(`${file} is a symbolic link; Perch only reads the secret file it made`, StartupErrorCode.DataDirUnsafe, { file });
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PermanentError<StartupErrorCode>(`${file} is not a regular file`, StartupErrorCode.DataDirInvalid, { file });
    if (POSIX && (info.mode & 0o077) !== 0) {
      throw new PermanentError<StartupErrorCode>(
        `${file} is readable or writable by other users (mode ${octal(info.mode)}), so anyone on this machine could mint agents' tokens: ` +
          `chmod 600 ${file} if nobody else used it, or delete it to make a new secret (agents sign in again)`,
        StartupErrorCode.DataDirUnsafe,
        { file },
      );
    }
    if (POSIX && typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new PermanentError<StartupErrorCode>(`${file} belongs to another user (uid ${info.uid}); run Perch as its owner`, StartupErrorCode.DataDirUnsafe, { file });
    }
    const content = await handle.readFile('utf8');
    if (!SECRET_FORMAT.test(content)) {
      throw new PermanentError<StartupErrorCode>(
        `${file} does not hold a token secret (64 lower-case hex characters); delete it to make a new one (agents sign in again)`,
        StartupErrorCode.DataDirInvalid,
        { file },
      );
    }
    return content.trim();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a fresh secret to a private temporary file and links it into place: the secret appears whole or not at
 * all, and when two processes start on one folder at once the loser's link fails and it reads the winner's.
 */
async function createSecret(file: string): Promise<string | undefined> {
  const secret = randomBytes(32).toString('hex');
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return secret;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return undefined;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

// Structural, not instanceof: Node's errors may come from another realm (jest's sandbox).
function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}
