import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { type AgentCommandPayload, type Classification, type InboundMessage, Topics } from '@perch/contracts';
import { AgentSocketProbe, type GatewayTestbed, inboundMessageFrom, startGatewayTestbed } from '@perch/gateway/testing';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { type Browser, type Page } from 'playwright-core';

import { launchChromium, openDesktop, signIn } from './testing/desktop-browser.fixtures';

// The supervisor's dashboard and the admin pages in a real browser: the SPA built by Vite (into tmp/, so the build the
// app serves is left alone) and served by the gateway module in-process (memory transport and stores) with the
// testbed's stand-in router. The test plays the router's store too: every presence command the
// gateway publishes is applied to the MemoryRoutingStore the dashboard reads, as the router would apply it.

const REPO = resolve(__dirname, '../../..');
const WWW = join(REPO, 'tmp', 'supervisor-dashboard-e2e-www');
/** Kept with the repository: what the dashboard looks like (README and reviews link it). */
const SCREENSHOT = join(REPO, 'docs', 'screenshots', 'supervisor-dashboard.png');
const ADMIN_SCREENSHOT = join(REPO, 'docs', 'screenshots', 'admin-users.png');
const FLOOR = 240;

const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.93,
  actionability: 'actionable',
  actionabilityScore: 0.88,
  sentimentFeatures: [],
  actionabilityFeatures: [],
  model: 'lexicon-baseline@1',
};

describe("Supervisor's dashboard", () => {
  let testbed: GatewayTestbed;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await promisify(execFile)('npx', ['vite', 'build', '-c', 'apps/agent-desktop/vite.config.mts', '--outDir', WWW, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: REPO,
      maxBuffer: 16 * 1024 * 1024,
    });
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [],
      agents: [
        { id: 'sam', displayName: 'Sam Super', password: 'battery staple', role: 'supervisor' },
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3 },
        { id: 'bob', displayName: 'Bob Byrne', password: 'river boat', capacity: 2 },
        { id: 'root', displayName: 'Rita Root', password: 'admin admin', role: 'admin' },
      ],
      desktopDir: WWW,
      options: { consistencyWaitMs: 0, supervisor: { pushIntervalMs: 200, serviceLevelMs: 60_000 } },
    });
    // As the router: a presence command changes the agent's record in the store the dashboard reads.
    await testbed.bus.subscribe(Topics.AgentCommand, 'dashboard-journey-router-store', async (event) => {
      const command: AgentCommandPayload = event.payload;
      if (command.type !== 'presence') return;
      const state = command.presence ?? 'offline';
      await testbed.routing.setPresence({
        agentId: command.agentId,
        state,
        ...(state === 'not-ready' && command.reason !== undefined ? { reason: command.reason } : {}),
        ...(command.capacity === undefined ? {} : { capacity: command.capacity }),
        now: Date.now(),
      });
    });
    // A floor of a few hundred agents: the table shows a page of them at a time.
    const now = Date.now();
    for (let i = 0; i < FLOOR; i += 1) {
      await testbed.routing.setPresence({ agentId: `agent-${String(i).padStart(3, '0')}`, state: i % 3 === 0 ? 'not-ready' : 'ready', ...(i % 3 === 0 ? { reason: 'break' } : {}), capacity: 2, now: now - i * 7_000 });
    }
    await testbed.routing.setPresence({ agentId: 'ada', state: 'ready', capacity: 3, now });
    await testbed.routing.setPresence({ agentId: 'bob', state: 'ready', capacity: 2, now });

    browser = await launchChromium();
    page = await openDesktop(browser, testbed.baseUrl, errors);
    await page.setViewportSize({ width: 1360, height: 1180 });
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
  });

  it('shows queues, agents and charts live, sets an agent not ready and signs one out', async () => {
    await signIn(page, 'sam', 'battery staple');
    await page.getByTestId('nav-supervisor').click();
    const dashboard = page.getByTestId('supervisor-dashboard');
    await dashboard.waitFor();
    await page.locator('[data-testid="supervisor-dashboard"][data-loading="false"]').waitFor();

    // Hundreds of agents, a page of them at a time.
    await page.getByTestId('agent-page').getByText(`Page 1 of 5 (${FLOOR + 2} agents)`).waitFor();
    expect(await page.getByTestId('agent-table').locator('tbody tr').count()).toBe(50);
    await page.getByTestId('agent-search').fill('Lovelace');
    const ada = page.getByTestId('agent-ada');
    await ada.locator('[data-testid="state"]').getByText('Ready').waitFor();

    // An interaction arrives: it waits in the public queue, and the router offers it to Ada (created counted).
    const bobSocket = await AgentSocketProbe.connect(testbed.baseUrl, await signInRest('bob', 'river boat'));
    const arrival = Date.now();
    await testbed.routing.upsertInteraction({
      message: customerTweet('@PerchAir where is my bag?'),
      classification: CLASSIFICATION,
      priority: 3,
      correlationId: 'journey-1',
      interactionIdIfNew: '00000000-0000-4000-8000-00000000a001',
      now: arrival,
    });
    await testbed.router.offer({ agentId: 'ada', message: customerTweet('@PerchAir my flight was cancelled'), classification: CLASSIFICATION });
    await page.locator('[data-testid="queue-public"] [data-testid="waiting"]').getByText('1', { exact: true }).waitFor();
    await page.locator('[data-testid="queue-public"] [data-testid="offered"]').getByText('1', { exact: true }).waitFor();
    await page.locator('[data-testid="chart-interactions"][data-created="1"]').waitFor();
    // Two more arrivals with other labels, one answered at once: the bars and the mix move with them.
    const praise = await testbed.router.offer({ agentId: 'ada', message: customerTweet('@PerchAir lovely crew today'), classification: { ...CLASSIFICATION, sentiment: 'positive', actionability: 'not-actionable' } });
    await testbed.router.offer({ agentId: 'ada', message: customerTweet('@PerchAir is the lounge open?'), classification: { ...CLASSIFICATION, sentiment: 'neutral' } });
    const adaToken = await signInRest('ada', 'correct horse');
    const accepted = await fetch(`${testbed.baseUrl}/api/interactions/${praise.interactionId}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adaToken}` },
      body: JSON.stringify({ offerId: praise.offerId }),
    });
    expect(accepted.status).toBe(202);
    await page.locator('[data-testid="chart-interactions"][data-created="3"][data-answered="1"]').waitFor();
    await page.locator('[data-testid="queue-public"] [data-testid="answered"]').getByText('1', { exact: true }).waitFor();
    expect(await page.locator('[data-testid="chart-interactions"] canvas').count()).toBe(1);
    expect(await page.locator('[data-testid="chart-sentiment"] canvas').count()).toBe(1);

    // Ada: not ready, for a meeting. The table shows it once the router's record says so.
    await ada.getByTestId('reason-select').selectOption('meeting');
    await ada.getByTestId('set-not-ready').click();
    const presence = await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'ada');
    expect(presence).toMatchObject({ presence: 'not-ready', reason: 'meeting', cause: 'supervisor', actorId: 'sam' });
    await page.locator('[data-testid="agent-ada"][data-state="not-ready"] [data-testid="reason"]').getByText('meeting').waitFor();

    // Bob: signed out everywhere. His socket closes; the table shows him offline.
    await page.getByTestId('agent-search').fill('Byrne');
    const bob = page.getByTestId('agent-bob');
    await bob.getByTestId('sign-out-agent').click();
    await bob.getByTestId('confirm-sign-out').click();
    expect(await bobSocket.closed).toEqual({ code: 4401, reason: 'signed-out' });
    await page.locator('[data-testid="agent-bob"][data-state="offline"]').waitFor();
    await bob.getByTestId('action-done').getByText('Signed out; 1 desktop closed').waitFor();
    expect(await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'bob')).toMatchObject({ presence: 'offline', cause: 'sign-out', actorId: 'sam' });

    await page.getByTestId('agent-search').fill('');
    await page.getByLabel('Sort by').selectOption('name');
    await waitFor('the charts drawn', async () => ((await page.locator('[data-testid="chart-interactions"] canvas').boundingBox())?.height ?? 0) > 0);
    await page.screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
  });

  it('lets an admin create a user, disable and enable them, and reset their password', async () => {
    const admin = await openDesktop(browser, testbed.baseUrl, errors, /401|409/);
    await signIn(admin, 'root', 'admin admin');
    await admin.getByTestId('nav-admin').click();
    await admin.getByTestId('user-bob').waitFor();

    // The form names what it can check itself before sending anything.
    await admin.getByTestId('new-user-id').fill('nina costa');
    await admin.getByTestId('new-user-password').fill('short');
    await admin.getByTestId('create-user').click();
    await admin.locator('[data-testid="new-user-id"][aria-invalid="true"]').waitFor();

    await admin.getByTestId('new-user-id').fill('nina');
    await admin.getByTestId('new-user-displayName').fill('Nina Costa');
    await admin.getByTestId('new-user-password').fill('first password');
    await admin.getByTestId('new-user-role').selectOption('supervisor');
    await admin.getByTestId('create-user').click();
    const nina = admin.getByTestId('user-nina');
    await nina.getByTestId('status').getByText('Active').waitFor();
    expect(await signInStatus('nina', 'first password')).toBe(201);

    await nina.getByTestId('disable-user').click();
    await nina.getByTestId('status').getByText('Disabled').waitFor();
    expect(await signInStatus('nina', 'first password')).toBe(401);
    await nina.getByTestId('enable-user').click();
    await nina.getByTestId('status').getByText('Active').waitFor();

    await nina.getByTestId('reset-password').click();
    await nina.getByTestId('new-password').fill('second password');
    await nina.getByTestId('save-password').click();
    await admin.getByTestId('admin-notice').getByText("nina's password was reset").waitFor();
    expect(await signInStatus('nina', 'first password')).toBe(401);
    expect(await signInStatus('nina', 'second password')).toBe(201);
    // An admin cannot disable themselves: no button for their own row.
    expect(await admin.getByTestId('user-root').getByTestId('disable-user').count()).toBe(0);
    await admin.screenshot({ path: ADMIN_SCREENSHOT });
    expect(errors).toEqual([]);
  });

  async function signInStatus(username: string, password: string): Promise<number> {
    const response = await fetch(`${testbed.baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return response.status;
  }

  async function signInRest(username: string, password: string): Promise<string> {
    const response = await fetch(`${testbed.baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return String(((await response.json()) as { token: string }).token);
  }
});

let tweetSequence = 1_790_500_000_000_000_000n;

/** A customer's mention of the brand, as the ingestor would have published it. */
function customerTweet(text: string): InboundMessage {
  tweetSequence += 1n;
  const id = tweetSequence.toString();
  return inboundMessageFrom({
    brand: { id: '1001', username: 'PerchAir' },
    tweet: { id, text, createdAt: new Date().toISOString(), conversationId: id },
    author: { id: '42', username: 'dana_flies', name: 'Dana Whitfield', followersCount: 1234, followingCount: 321, tweetCount: 5678 },
  });
}
