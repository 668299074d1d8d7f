import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type StreamableFile } from '@nestjs/common';
import { NotFoundError } from '@perch/platform';

import { UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { DesktopController, SPA_ROUTES } from './desktop.controller';

async function body(file: StreamableFile): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.getStream()) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe(DesktopController.name, () => {
  let dir: string;
  let controller: DesktopController;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perch-desktop-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Perch</title>');
    await writeFile(join(dir, 'app.js'), 'console.log("desk");');
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'assets', 'index-Dm1b_yU-.js'), 'console.log("bundle");');
    await writeFile(join(dir, 'notes.txt'), 'not served');
    controller = new DesktopController({ ...UNIT_OPTIONS, desktopDir: dir });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the desktop page at / as HTML', async () => {
    const file = await controller.index();
    expect(file.getHeaders()).toMatchObject({ type: 'text/html; charset=utf-8', length: 35 });
    expect(await body(file)).toBe('<!doctype html><title>Perch</title>');
  });

  it('serves an asset by name with the content type of its extension', async () => {
    const file = await controller.asset('app', 'js');
    expect(file.getHeaders().type).toBe('text/javascript; charset=utf-8');
    expect(await body(file)).toBe('console.log("desk");');
  });

  it('serves the page itself at the routes the single-page app handles, so a reload there works', async () => {
    expect(await body(await controller.route())).toBe('<!doctype html><title>Perch</title>');
    expect(SPA_ROUTES).toEqual(expect.arrayContaining(['supervisor', 'admin', 'contacts']));
  });

  it("serves Vite's bundles from the assets folder by their hashed names", async () => {
    const file = await controller.bundle('index-Dm1b_yU-', 'js');
    expect(file.getHeaders().type).toBe('text/javascript; charset=utf-8');
    expect(await body(file)).toBe('console.log("bundle");');
    await expect(controller.bundle('../index', 'html')).rejects.toThrow(NotFoundError);
    await expect(controller.asset('index-Dm1b_yU-', 'js')).rejects.toThrow(NotFoundError);
  });

  it('answers 404 for an extension it does not serve, even when the file exists', async () => {
    await expect(controller.asset('notes', 'txt')).rejects.toThrow(NotFoundError);
  });

  it('answers 404 for a name that could reach outside the desktop folder', async () => {
    for (const name of ['..', '../index', 'sub/app', '.hidden', '']) {
      await expect(controller.asset(name, 'js')).rejects.toThrow(NotFoundError);
    }
  });

  it('answers 404 for a file the folder does not have', async () => {
    await expect(controller.asset('missing', 'css')).rejects.toThrow(NotFoundError);
  });
});
