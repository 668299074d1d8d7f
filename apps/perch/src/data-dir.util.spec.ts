import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { PermanentError } from '@perch/platform';

import { openDataDir, TOKEN_SECRET_FILE } from './data-dir.util';

describe('openDataDir', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'perch-data-dir-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a missing folder 0700 holding a 0600 secret of 32 random bytes in hex', async () => {
    const dir = join(root, 'nested', '.perch-data');
    const opened = await openDataDir(dir);

    expect(opened.dir).toBe(dir);
    expect(opened.tokenSecret).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const file = join(dir, TOKEN_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(opened.tokenSecret);
    expect(await readdir(dir)).toEqual([TOKEN_SECRET_FILE]);
  });

  it('reuses the secret when the same folder is opened again, so tokens survive a restart', async () => {
    const dir = join(root, 'data');
    const first = await openDataDir(dir);
    const second = await openDataDir(dir);
    expect(second.tokenSecret).toBe(first.tokenSecret);
  });

  it('gives each folder its own secret', async () => {
    const a = await openDataDir(join(root, 'a'));
    const b = await openDataDir(join(root, 'b'));
    expect(a.tokenSecret).not.toBe(b.tokenSecret);
  });

  it('returns the absolute path of a relative folder', async () => {
    const opened = await openDataDir(relative(process.cwd(), join(root, 'rel')));
    expect(opened.dir).toBe(join(root, 'rel'));
  });

  it('agrees on one secret when two starts race on a fresh folder', async () => {
    const dir = join(root, 'race');
    const opened = await Promise.all([openDataDir(dir), openDataDir(dir), openDataDir(dir)]);
    expect(new Set(opened.map((o) => o.tokenSecret)).size).toBe(1);
    expect(await readdir(dir)).toEqual([TOKEN_SECRET_FILE]);
  });

  it('refuses a secret file that other users can read, saying how to fix it', async () => {
    const dir = join(root, 'data');
    await openDataDir(dir);
    const file = join(dir, TOKEN_SECRET_FILE);
    await chmod(file, 0o644);

    const refusal = openDataDir(dir);
    await expect(refusal).rejects.toBeInstanceOf(PermanentError);
    await expect(refusal).rejects.toThrow(/readable or writable by other users \(mode 644\).*chmod 600/);
    await chmod(file, 0o640);
    await expect(openDataDir(dir)).rejects.toThrow(/mode 640/);
  });

  it('refuses a malformed secret file instead of signing with it', async () => {
    const dir = join(root, 'data');
    await mkdir(dir, { mode: 0o700 });
    await writeFile(join(dir, TOKEN_SECRET_FILE), 'change-me-to-a-long-random-secret-0000\n', { mode: 0o600 });
    await expect(openDataDir(dir)).rejects.toThrow(/does not hold a token secret \(64 lower-case hex characters\)/);
  });

  it('refuses a secret file that is a symbolic link', async () => {
    const dir = join(root, 'data');
    await mkdir(dir, { mode: 0o700 });
    const elsewhere = join(root, 'elsewhere');
    await writeFile(elsewhere, `${'ab12'.repeat(16)}\n`, { mode: 0o600 });
    await symlink(elsewhere, join(dir, TOKEN_SECRET_FILE));
    await expect(openDataDir(dir)).rejects.toThrow(/symbolic link/);
  });

  it('refuses a folder other users can write to, since they could swap the secret', async () => {
    const dir = join(root, 'shared');
    await mkdir(dir);
    await chmod(dir, 0o777);
    await expect(openDataDir(dir)).rejects.toThrow(/writable by other users \(mode 777\).*chmod 700/);
  });

  it('refuses a path that is a file, not a folder', async () => {
    const path = join(root, 'plain-file');
    await writeFile(path, 'x');
    await expect(openDataDir(path)).rejects.toThrow(/is not a folder/);
    await expect(openDataDir(join(path, 'below'))).rejects.toThrow(/is not a folder/);
  });
});
