import { type Classification } from '@perch/contracts';
import { type GatewayTestbed, startGatewayTestbed } from '@perch/gateway/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { type AdminAccountView, XSimulator } from '@perch/x-simulator';
import { type Browser } from 'playwright-core';

import { acceptOffer, buildDesktop, customerTweetAt, goReady, launchChromium, openDesktop, signIn, simulatorAdmin } from './testing/desktop-browser.fixtures';

// The supervisor's libraries in a real browser: a supervisor adds a standard response (the gateway's 400 shown beside
// the text first) and a disposition code, retires another and makes one required; the agent then finds the response
// in the composer and the new code in Done, and is sent home from the supervisor's pages. The gateway runs in-process
// with the X simulator behind it.

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.9,
  actionability: 'actionable',
  actionabilityScore: 0.85,
  sentimentFeatures: [],
  actionabilityFeatures: [],
  model: 'lexicon-baseline@1',
};

describe("Supervisor's standard responses and disposition codes", () => {
  let simulator: XSimulator;
  let simUrl: string;
  let brandId: string;
  let testbed: GatewayTestbed;
  let browser: Browser;
  const errors: string[] = [];

  const admin = simulatorAdmin(() => simUrl);

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    simUrl = (await simulator.start(0)).baseUrl;
    await admin('POST', '/admin/accounts', { username: 'dana_flies', kind: 'customer', name: 'Dana Whitfield', followersCount: 1234, followingCount: 321, tweetCount: 5678 });
    brandId = (await admin<AdminAccountView>('GET', `/admin/accounts/${BRAND.username}`)).id;
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: simUrl }),
      brands: [{ id: brandId, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3, brands: [BRAND.username] },
        { id: 'carol', displayName: 'Carol Chen', password: 'carol carol', role: 'supervisor', brands: [BRAND.username] },
      ],
      desktopDir: buildDesktop(),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
    await simulator?.stop();
  });

  it('lets a supervisor add a response and a code that the agent then uses, and keeps agents out of the supervisor pages', async () => {
    // The gateway's 400 on the text is expected once (the browser logs the failed request).
    const supervisor = await openDesktop(browser, testbed.baseUrl, errors, /400/);
    await signIn(supervisor, 'carol', 'carol carol');

    // The top bar's pages are separate links with room between them, not one run of text.
    await supervisor.screenshot({ path: '/tmp/sup-lib-desk-topbar.png', clip: { x: 0, y: 0, width: 1360, height: 60 } });
    const links = supervisor.getByRole('navigation', { name: 'Pages' }).getByRole('link');
    expect(await links.allTextContents()).toEqual(['Desktop', 'Contacts', 'Supervisor', 'Responses', 'Dispositions']);
    const boxes = await Promise.all((await links.all()).map((link) => link.boundingBox()));
    for (let i = 1; i < boxes.length; i += 1) {
      const previous = boxes[i - 1];
      const box = boxes[i];
      expect(previous && box && box.x - (previous.x + previous.width)).toBeGreaterThanOrEqual(4);
    }

    // Standard responses: an unknown placeholder is refused by the gateway, named beside the text.
    await supervisor.getByTestId('nav-responses').click();
    await supervisor.getByTestId('standard-responses-admin').waitFor();
    await supervisor.screenshot({ path: '/tmp/sup-lib-responses.png' });
    const editor = supervisor.getByTestId('response-editor');
    await editor.waitFor();
    await supervisor.getByTestId('response-title').fill('Bag on the next flight');
    await supervisor.getByTestId('response-brand').selectOption('perchair');
    await supervisor.getByTestId('response-category').fill('baggage');
    await supervisor.getByTestId('response-text').fill('Hi {{customer.email}}');
    await supervisor.getByTestId('response-text-warning').getByText('Unknown placeholder {{customer.email}}').waitFor();
    await supervisor.getByTestId('response-save').click();
    await supervisor.getByTestId('response-text-problem').getByText('unknown placeholder {{customer.email}}').waitFor();
    expect(await supervisor.getByTestId('response-text').getAttribute('aria-invalid')).toBe('true');

    // Written again with the placeholder chips, each inserted where the caret is.
    await supervisor.getByTestId('response-text').fill('Hi ');
    await supervisor.locator('[data-testid="placeholder-chip"][data-placeholder="customer.name"]').click();
    await supervisor.getByTestId('response-text').press('End');
    await supervisor.getByTestId('response-text').pressSequentially(', your bag is on the next flight. Case ');
    await supervisor.locator('[data-testid="placeholder-chip"][data-placeholder="case.number"]').click();
    expect(await supervisor.getByTestId('response-text').inputValue()).toBe('Hi {{customer.name}}, your bag is on the next flight. Case {{case.number}}');
    await supervisor.getByTestId('response-save').click();
    await supervisor.getByTestId('library-notice').getByText('Added “Bag on the next flight”.').waitFor();
    const row = supervisor.getByTestId('library-row').filter({ hasText: 'Bag on the next flight' });
    await row.waitFor();
    expect(await row.textContent()).toContain('@perchair');

    // Edited: only its category changes.
    await row.getByTestId('library-edit').click();
    await supervisor.locator('[data-testid="response-editor"][data-mode="edit"]').waitFor();
    await supervisor.getByTestId('response-category').fill('bags');
    await supervisor.getByTestId('response-save').click();
    await supervisor.getByTestId('library-notice').getByText('Saved “Bag on the next flight”.').waitFor();
    await row.getByText('bags', { exact: true }).waitFor();

    // Another one added, then deleted after a second press.
    await supervisor.getByTestId('response-title').fill('Lounge hours');
    await supervisor.getByTestId('response-category').fill('lounges');
    await supervisor.getByTestId('response-text').fill('Our lounges open at 5am, {{customer.handle}}.');
    await supervisor.getByTestId('response-save').click();
    const lounge = supervisor.getByTestId('library-row').filter({ hasText: 'Lounge hours' });
    await lounge.getByTestId('library-delete').click();
    await lounge.getByTestId('library-confirm-delete').click();
    await supervisor.getByTestId('library-notice').getByText('Deleted “Lounge hours”.').waitFor();
    await lounge.waitFor({ state: 'detached' });

    // Searched by its words, and by a category it is not in.
    await supervisor.getByTestId('library-q').fill('next flight');
    await supervisor.getByTestId('library-category').fill('lounges');
    await supervisor.getByTestId('library-table').getByText('No response matches.').waitFor();
    await supervisor.getByTestId('library-category').fill('bags');
    await row.waitFor();

    // Disposition codes: a new one for PerchAir (its code from the label), spam retired, a disposition required.
    await supervisor.getByTestId('nav-dispositions').click();
    const perchair = supervisor.getByTestId('dispositions-perchair');
    await perchair.getByTestId('code-resolved').waitFor();
    await perchair.getByTestId('new-code-label').fill('Goodwill voucher');
    expect(await perchair.getByTestId('new-code-code').inputValue()).toBe('goodwill-voucher');
    await perchair.getByTestId('add-code').click();
    await perchair.getByTestId('code-goodwill-voucher').waitFor();
    // A code already in the list is named before anything is sent.
    await perchair.getByTestId('new-code-code').fill('resolved');
    await perchair.getByTestId('new-code-label').fill('Resolved again');
    await perchair.getByTestId('add-code').click();
    await perchair.getByTestId('new-code-code-problem').getByText("resolved is already in this brand's list").waitFor();
    await perchair.getByTestId('code-spam').getByTestId('retire-code').click();
    await perchair.locator('[data-testid="code-spam"][data-retired="true"]').waitFor();
    await perchair.getByTestId('code-goodwill-voucher').getByTestId('rename-code').click();
    await perchair.getByTestId('rename-input').fill('Goodwill voucher sent');
    await perchair.getByTestId('rename-save').click();
    await perchair.getByTestId('code-goodwill-voucher').getByText('Goodwill voucher sent').waitFor();
    // The box shows the gateway's answer, not the click: checked once the setting is saved.
    await perchair.getByTestId('required-toggle').click();
    await supervisor.locator('[data-testid="dispositions-perchair"] [data-testid="required-toggle"]:checked:enabled').waitFor();

    await supervisor.screenshot({ path: '/tmp/sup-lib-dispositions.png' });

    // The agent: the response in the composer's library, filled for the customer; the new code in Done, spam gone.
    const agent = await openDesktop(browser, testbed.baseUrl, errors);
    await signIn(agent, 'ada', 'correct horse');
    await goReady(agent);
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: await customerTweetAt(admin, BRAND.username, 'dana_flies', '@PerchAir my bag never arrived'), classification: CLASSIFICATION });
    await acceptOffer(agent, interactionId);
    await agent.getByTestId('responses-open').click();
    const library = agent.getByTestId('standard-responses');
    await library.getByTestId('responses-search').fill('next flight');
    await library.getByTestId('response-item').filter({ hasText: 'Bag on the next flight' }).getByTestId('response-insert').click();
    await library.waitFor({ state: 'detached' });
    expect(await agent.getByTestId('reply-text').inputValue()).toMatch(/^Hi Dana Whitfield, your bag is on the next flight\. Case P-[0-9A-F]{8}$/);

    const disposition = agent.locator('[data-testid="disposition"][data-required="true"]');
    await disposition.waitFor();
    const codes = await disposition.locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(codes).toContain('goodwill-voucher');
    expect(codes).not.toContain('spam');
    await disposition.selectOption('goodwill-voucher');
    await agent.getByTestId('done-button').click();
    expect(await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === interactionId)).toMatchObject({ disposition: 'goodwill-voucher' });

    // An agent has no link to the supervisor's pages, and opening one sends them home.
    expect(await agent.getByTestId('nav-responses').count()).toBe(0);
    await agent.goto(`${testbed.baseUrl}/supervisor/responses`);
    await agent.waitForURL(`${testbed.baseUrl}/`);
    await agent.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    expect(await agent.getByTestId('standard-responses-admin').count()).toBe(0);
    await agent.goto(`${testbed.baseUrl}/supervisor/dispositions`);
    await agent.waitForURL(`${testbed.baseUrl}/`);
    expect(await agent.getByTestId('dispositions-admin').count()).toBe(0);

    expect(errors).toEqual([]);
  });
});
