import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { type InboundMessage } from '@perch/contracts';
import { authorFacts, inboundMessageFrom } from '@perch/gateway/testing';
import { type AdminAccountView, type AdminTweetView } from '@perch/x-simulator';
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

/** A call to the X simulator's admin API, answered as JSON; throws with the status and body on a refusal. */
export type SimulatorAdmin = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The admin API of the simulator at `baseUrl()` (read at each call: the simulator starts in beforeAll). */
export function simulatorAdmin(baseUrl: () => string): SimulatorAdmin {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/** A customer's tweet at the brand, posted on the simulator, as the inbound message ingestion makes of it. */
export async function customerTweetAt(admin: SimulatorAdmin, brandUsername: string, username: string, text: string): Promise<InboundMessage> {
  const tweet = await admin<AdminTweetView>('POST', '/admin/tweets', { authorUsername: username, text });
  const author = await admin<AdminAccountView>('GET', `/admin/accounts/${username}`);
  const brand = await admin<AdminAccountView>('GET', `/admin/accounts/${brandUsername}`);
  return inboundMessageFrom({ brand: { id: brand.id, username: brand.username }, tweet, author: authorFacts(author) });
}
