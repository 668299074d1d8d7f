import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..', '..');
let built: string | null = null;

/**
 * The desktop SPA built from the current sources by Vite (about 2 s, once per test process), into tmp/ so a journey
 * never tests a stale dist/: the folder to give the gateway as `desktopDir`.
 */
export function buildDesktop(): string {
  if (built) return built;
  const outDir = join(ROOT, 'tmp', `desktop-e2e-${process.pid}`);
  // Jest gives each spec file its own modules but not its own process: the next file of this run reuses the build.
  if (existsSync(join(outDir, 'index.html'))) return (built = outDir);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', join(ROOT, 'apps', 'agent-desktop', 'vite.config.mts'), '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  built = outDir;
  return outDir;
}

/** Debian's Chromium (or CHROMIUM_PATH), headless, as the desktop's other browser journeys run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * A desktop of its own for one agent: a fresh browser context (its own sessionStorage and socket), its console errors
 * and page errors collected into `errors` (refusals the journey provokes on purpose are matched by `expected`).
 */
export async function openDesktop(browser: Browser, baseUrl: string, errors: string[], expected?: RegExp): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !(expected?.test(message.text()) ?? false)) errors.push(`${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(baseUrl);
  return page;
}

/** Signs in through the form and waits for the socket's hello. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
}

/** Presses "Go ready" and waits until the router's state (not the page's guess) says ready. */
export async function goReady(page: Page): Promise<void> {
  await page.getByTestId('presence-toggle').click();
  await page.locator('[data-testid="presence-status"][data-state="ready"]').waitFor();
}

/** Accepts the offer of `interactionId` from its toast and waits for the interaction to open. */
export async function acceptOffer(page: Page, interactionId: string): Promise<void> {
  const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
  await toast.getByTestId('offer-accept').click();
  await page.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"][aria-current="true"]`).waitFor();
}
