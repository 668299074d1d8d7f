import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryContactStore, MemoryOutreachLedger, SmtpMailSender } from '@perch/contacts';
import { FileCaughtMailbox, SmtpCatcher } from '@perch/contacts/embedded';
import { type Classification, type InboundMessage } from '@perch/contracts';
import { authorFacts, type GatewayTestbed, inboundMessageFrom, startGatewayTestbed } from '@perch/gateway/testing';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { type AdminAccountView, type AdminTweetView, XSimulator } from '@perch/x-simulator';
import { type Browser, type Page, type WebSocketRoute } from 'playwright-core';

import { acceptOffer, buildDesktop, goReady, launchChromium, openDesktop, signIn, simulatorAdmin } from './testing/desktop-browser.fixtures';

// The desk's care features in a real browser: the customer as X shows them, why the model decided in the tweet's own
// words, reply-all shown as it is posted, DM-only conversations, standard responses, the contact record with email and
// call, disposition and note required before done with the wrap-up, the customer's earlier interactions, and how
// offers call for attention. The gateway runs in-process with the X simulator and an SMTP catcher behind it.

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
// What the trained model reports: normalised tokens with their weights; the desk shows the tweet's words instead.
const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.91,
  actionability: 'actionable',
  actionabilityScore: 0.87,
  sentimentFeatures: ['never arrived (+0.42)', '<user> (+0.24)'],
  actionabilityFeatures: ['<s> where (+0.31)', '<num> (+0.11)', '? </s> (+0.05)'],
  model: 'hashed-linear@3',
};

describe('Agent desktop: caring for the customer', () => {
  let simulator: XSimulator;
  let simUrl: string;
  let brandId: string;
  let testbed: GatewayTestbed;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let catcher: SmtpCatcher;
  let mailbox: FileCaughtMailbox;
  let carol = '';
  let firstId = '';
  const consoleErrors: string[] = [];

  const admin = simulatorAdmin(() => simUrl);

  async function rest<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(`${testbed.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async function customerTweets(username: string, text: string): Promise<InboundMessage> {
    const tweet = await admin<AdminTweetView>('POST', '/admin/tweets', { authorUsername: username, text });
    const author = await admin<AdminAccountView>('GET', `/admin/accounts/${username}`);
    return inboundMessageFrom({ brand: { id: brandId, username: BRAND.username }, tweet, author: authorFacts(author) });
  }

  async function customerDms(username: string, text: string): Promise<InboundMessage> {
    const author = await admin<AdminAccountView>('GET', `/admin/accounts/${username}`);
    return {
      messageId: String(Date.now()),
      kind: 'dm',
      source: 'dm-webhook',
      brandAccountId: brandId,
      brandUsername: BRAND.username,
      conversationKey: `${brandId}:dm:${author.id}`,
      threadId: `${author.id}-${brandId}`,
      text,
      createdAt: new Date().toISOString(),
      mentions: [],
      author: { ...authorFacts(author), profileUrl: `https://x.com/${username}` },
      receivedAt: Date.now(),
    };
  }

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    simUrl = (await simulator.start(0)).baseUrl;
    await admin('POST', '/admin/accounts', { username: 'dana_flies', kind: 'customer', name: 'Dana Whitfield', followersCount: 1234, followingCount: 321, tweetCount: 5678 });
    await admin('POST', '/admin/accounts', { username: 'sam_rides', kind: 'customer', name: 'Sam Ortega', followersCount: 87, tweetCount: 410 });
    brandId = (await admin<AdminAccountView>('GET', `/admin/accounts/${BRAND.username}`)).id;
    dir = await mkdtemp(join(tmpdir(), 'perch-desk-care-'));
    mailbox = new FileCaughtMailbox(join(dir, 'mailbox'));
    catcher = new SmtpCatcher({ mailbox, port: 0 });
    await catcher.start();
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: simUrl }),
      brands: [{ id: brandId, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3, brands: [BRAND.username] },
        { id: 'carol', displayName: 'Carol Chen', password: 'carol carol', role: 'supervisor', brands: [BRAND.username] },
      ],
      contacts: {
        store: new MemoryContactStore(),
        ledger: new MemoryOutreachLedger(),
        mail: new SmtpMailSender({ brands: { perchair: { url: catcher.url, from: 'Perch Air Care <care@perchair.example>' } } }),
        mailbox,
      },
      options: { wrapUpMs: 30_000 },
      desktopDir: buildDesktop(),
    });
    testbed.router.wrapUpMs = 30_000;
    carol = (await rest<{ token: string }>('POST', '/api/auth/sign-in', '', { username: 'carol', password: 'carol carol' })).token;
    browser = await launchChromium();
    page = await openDesktop(browser, testbed.baseUrl, consoleErrors);
    await signIn(page, 'ada', 'correct horse');
    await goReady(page);
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
    await catcher?.stop();
    await simulator?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  it('says a tweet is a tweet, shows the customer as X does, why the model decided in the tweet’s words, and that attachments are not supported', async () => {
    const message = await customerTweets('dana_flies', '@PerchAir @sam_rides my bag never arrived, where is it? 2 days now');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    firstId = interactionId;
    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
    await toast.waitFor();
    expect(await toast.getAttribute('data-channel')).toBe('tweet');
    expect(await toast.getByTestId('offer-channel').textContent()).toBe('Tweet');
    expect(await toast.locator('.toast-title').textContent()).toBe('New tweet');
    await acceptOffer(page, interactionId);

    const view = page.getByTestId('interaction-view');
    expect(await view.getByTestId('author-following').getAttribute('title')).toBe((321).toLocaleString('en-US'));
    expect(await view.getByTestId('author-followers').getAttribute('title')).toBe((1234).toLocaleString('en-US'));
    expect(await view.getByTestId('classification-why').textContent()).toBe('Why: never arrived, @PerchAir, where, 2, a question mark');
    expect(await page.getByTestId('attachments-note').textContent()).toBe('No attachments: text only');

    // An image dropped on the composer is refused there, in words.
    const files = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['png'], 'receipt.png', { type: 'image/png' }));
      return transfer;
    });
    await page.getByTestId('reply-text').dispatchEvent('drop', { dataTransfer: files });
    await page.getByTestId('reply-error').getByText('Attachments (images, files) are not supported: replies and DMs are text only.').waitFor();
    await page.screenshot({ path: '/tmp/desktop-care-customer.png' });
  });

  it('replies to all with every mention shown and counted exactly as X gets it', async () => {
    const text = 'So sorry! The bag is on its way to you both.';
    await page.getByTestId('reply-text').fill(text);
    expect(await page.getByTestId('reply-mention-chip').allTextContents()).toEqual(['@dana_flies']);
    expect(await page.getByTestId('reply-preview').textContent()).toBe(`Will post: @dana_flies ${text}`);
    await page.getByTestId('reply-mode').selectOption('reply-all');
    expect(await page.getByTestId('reply-mention-chip').allTextContents()).toEqual(['@dana_flies', '@sam_rides']);
    const posted = `@dana_flies @sam_rides ${text}`;
    expect(await page.getByTestId('reply-preview').textContent()).toBe(`Will post: ${posted}`);
    expect(await page.getByTestId('reply-counter').textContent()).toBe(`${posted.length} / 280`);
    await page.screenshot({ path: '/tmp/desktop-care-reply-all.png' });
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="transcript-entry"][data-action="reply"][data-status="sent"]').waitFor();
    const { tweets } = await admin<{ tweets: AdminTweetView[] }>('GET', `/admin/accounts/${BRAND.username}/tweets`);
    expect(tweets.map((t) => t.text)).toEqual([posted]);
  });

  it('inserts a standard response from the library with its placeholders filled', async () => {
    await rest('POST', '/api/standard-responses', carol, {
      title: 'Delayed bag',
      text: 'Hi {{customer.name}}, {{agent.name}} here about case {{case.number}}: your bag is on the next flight.',
      brand: 'perchair',
      language: 'en',
      category: 'baggage',
    });
    await rest('POST', '/api/standard-responses', carol, { title: 'Lounge hours', text: 'Our lounges open at 5am.', language: 'en', category: 'lounges' });
    await page.getByTestId('responses-open').click();
    const library = page.getByTestId('standard-responses');
    await library.getByTestId('response-item').nth(1).waitFor();
    await library.getByTestId('responses-category').selectOption('baggage');
    expect(await library.getByTestId('response-item').count()).toBe(1);
    await library.getByTestId('responses-search').fill('next flight');
    await library.locator('[data-testid="response-item"]').getByText('Delayed bag').waitFor();
    await library.getByTestId('response-insert').click();
    await library.waitFor({ state: 'detached' });
    const inserted = await page.getByTestId('reply-text').inputValue();
    expect(inserted).toMatch(/^Hi Dana Whitfield, Ada Lovelace here about case P-[0-9A-F]{8}: your bag is on the next flight\.$/);
    await page.getByTestId('reply-text').fill('');
  });

  it('saves the customer as a contact, then emails them and asks the phone system to call, both in the transcript', async () => {
    const contact = page.getByTestId('contact-panel');
    await contact.getByTestId('contact-none').waitFor();
    await contact.getByTestId('contact-save-open').click();
    expect(await contact.getByTestId('contact-form-name').inputValue()).toBe('Dana Whitfield');
    await contact.getByTestId('contact-form-emails').fill('dana@example.com');
    await contact.getByTestId('contact-form-phones').fill('+33 6 12 34 56 78');
    await contact.getByTestId('contact-form-save').click();
    await contact.getByTestId('contact-record').waitFor();
    expect(await contact.getByTestId('contact-emails').textContent()).toBe('dana@example.com');

    await contact.getByTestId('contact-email-open').click();
    await contact.getByTestId('email-subject').fill('Your bag');
    await contact.getByTestId('email-text').fill('Dana, your bag arrives tonight.');
    await contact.getByTestId('email-send').click();
    await page.locator('[data-testid="transcript-entry"][data-kind="email"][data-status="sent"]').waitFor();
    await waitFor('the mail caught', async () => (await mailbox.list(10)).some((mail) => mail.subject === 'Your bag' && mail.to.includes('dana@example.com')), 5_000);

    await contact.getByTestId('contact-call-open').click();
    await contact.getByTestId('call-reason').fill('bag delivery slot');
    await contact.getByTestId('call-send').click();
    const call = page.locator('[data-testid="transcript-entry"][data-kind="call-request"]');
    await call.waitFor();
    expect(await call.textContent()).toContain('+33612345678');
    await page.screenshot({ path: '/tmp/desktop-care-contact.png' });

    // Reply on another channel, from the reply variants: the email form opens, the public variant chosen stays.
    const variant = await page.getByTestId('reply-mode').inputValue();
    await page.getByTestId('reply-mode').selectOption('email');
    await contact.getByTestId('email-form').waitFor();
    expect(await page.getByTestId('reply-mode').inputValue()).toBe(variant);
  });

  it('requires the brand’s disposition before done, keeps it with the note, then counts the wrap-up down', async () => {
    await rest('PUT', '/api/dispositions/perchair/settings', carol, { required: true });
    // The desk reads the brand's list when the interaction is shown: open it again.
    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await page.locator('[data-testid="disposition"][data-required="true"]').waitFor();
    await page.getByTestId('done-button').click();
    await page.getByTestId('done-error').getByText('Choose a disposition: @PerchAir requires one before done.').waitFor();
    await page.getByTestId('disposition').selectOption('resolved');
    await page.getByTestId('done-note').fill('bag delivered by courier, customer emailed');
    await page.getByTestId('done-button').click();
    const done = await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === firstId);
    expect(done).toMatchObject({ disposition: 'resolved', note: 'bag delivered by courier, customer emailed' });
    await page.getByTestId('wrap-up-banner').waitFor();
    const banner = (await page.getByTestId('wrap-up-banner').textContent()) ?? '';
    expect(banner).toMatch(/^Wrap-up: \d+ s left\./);
    // The banner and the status count the same wrap-up from the same clock reading, and never above its 30 s.
    const bannerSeconds = Number(/(\d+) s left/.exec(banner)?.[1]);
    const statusSeconds = Number.parseInt((await page.getByTestId('presence-countdown').textContent()) ?? '', 10);
    expect(bannerSeconds).toBeLessThanOrEqual(30);
    expect(statusSeconds).toBeLessThanOrEqual(30);
    expect(Math.abs(bannerSeconds - statusSeconds)).toBeLessThanOrEqual(1);
    await page.screenshot({ path: '/tmp/desktop-care-wrap-up.png' });
    await testbed.router.endWrapUp('ada');
    await page.locator('[data-testid="presence-status"][data-state="ready"]').waitFor();
  });

  it('answers a DM-only conversation by DM alone, with the customer’s earlier interactions and how they ended', async () => {
    await admin('POST', '/admin/follows', { follower: 'dana_flies', target: BRAND.username });
    const message = await customerDms('dana_flies', 'Hi again, the courier never came. Call me on +44 7700 900123 please');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
    await toast.waitFor();
    expect(await toast.getAttribute('data-channel')).toBe('dm');
    expect(await toast.locator('.toast-title').textContent()).toBe('New direct message');
    await acceptOffer(page, interactionId);

    // Nothing public to reply to: only the DM is offered.
    await page.getByTestId('dm-only-note').waitFor();
    expect(await page.getByTestId('channel-reply').count()).toBe(0);
    expect(await page.getByTestId('composer-label').textContent()).toBe('Direct message');

    // X said a minute ago she does not follow the brand: no DM to type (X would refuse it), a mention in a new post instead.
    const blocked = page.getByTestId('dm-blocked');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('mention @dana_flies in a new post, or reach them on another channel');
    expect(await page.getByTestId('reply-send').isDisabled()).toBe(true);
    expect(await page.getByTestId('reply-text').isDisabled()).toBe(true);
    await page.screenshot({ path: '/tmp/desktop-care-dm-blocked.png' });
    await blocked.getByTestId('dm-blocked-post').click();
    await page.getByTestId('new-post-dialog').waitFor();
    expect(await page.getByTestId('new-post-text').inputValue()).toBe('@dana_flies ');
    const mention = '@dana_flies we are on your courier case: follow us and we will DM you the details';
    await page.getByTestId('new-post-text').fill(mention);
    await page.getByTestId('new-post-send').click();
    const posted = await waitFor('the mention posted on X', async () =>
      (await admin<{ tweets: AdminTweetView[] }>('GET', `/admin/accounts/${BRAND.username}/tweets`)).tweets.find((t) => t.text === mention),
    );
    // Posted from this conversation, so it is part of it: on the transcript with X's tweet id, as a reply would be.
    const postEntry = page.locator('[data-testid="transcript-entry"][data-kind="agent-action"][data-action="post"]');
    await page.locator(`[data-testid="transcript-entry"][data-action="post"][data-status="sent"][data-tweet-id="${posted.id}"]`).waitFor();
    expect(await postEntry.count()).toBe(1);
    expect(await postEntry.textContent()).toContain(mention);
    // Its "Posting…" goes once X answered, the transcript saying how it went (well before notices leave on their own, 6 s).
    await waitFor('the Posting… notice gone', async () => (await page.getByTestId('notices').getByText('Posting…').count()) === 0, 2_000);

    const history = page.getByTestId('customer-history');
    const earlier = history.locator(`[data-testid="history-item"][data-interaction-id="${firstId}"]`);
    await earlier.waitFor();
    expect(await earlier.getByTestId('history-outcome').textContent()).toContain('resolved');
    expect(await earlier.getByTestId('history-note').textContent()).toContain('bag delivered by courier, customer emailed');
    await page.screenshot({ path: '/tmp/desktop-care-dm-history.png' });

    // The number she wrote is not on her contact yet: a click adds it, then the call goes to it.
    await page.getByTestId('transcript').getByTestId('reach-call').click();
    const contact = page.getByTestId('contact-panel');
    expect(await contact.getByTestId('contact-form-phones').inputValue()).toBe('+33612345678, +44 7700 900123');
    await contact.getByTestId('contact-form-save').click();
    await contact.getByTestId('call-form').waitFor();
    expect(await contact.getByTestId('call-phone').inputValue()).toBe('+447700900123');
    await contact.getByTestId('call-send').click();
    await page.locator('[data-testid="transcript-entry"][data-kind="call-request"]').getByText('call requested to +447700900123').waitFor();

    // She follows the brand now; X is asked again (the gateway keeps its answer a minute).
    await page.getByTestId('profile-refresh').click();
    await page.getByTestId('dm-eligibility').getByText('Can receive a DM').waitFor();
    expect(await page.getByTestId('dm-blocked').count()).toBe(0);
    await page.getByTestId('reply-text').fill('We are on it, Dana: a new courier comes at 6pm.');
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="transcript-entry"][data-action="dm"][data-status="sent"]').waitFor();
  });

  it('finds the customer in the contact database, with their conversations, and comes back to the open interaction', async () => {
    const open = await page.getByTestId('interaction-view').getAttribute('data-interaction-id');
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contacts-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/contacts');
    await page.getByTestId('contacts-search').fill('example.com');
    await page.getByTestId('contact-result').getByText('Dana Whitfield').click();
    const details = page.getByTestId('contact-details');
    await details.getByTestId('contact-history-item').nth(1).waitFor();
    expect(await details.textContent()).toContain('+447700900123');
    await page.screenshot({ path: '/tmp/desktop-care-contacts.png' });
    // A reload here stays here (the gateway serves the page at the SPA's routes).
    await page.reload();
    await page.getByTestId('contacts-page').waitFor();
    await page.getByTestId('nav-desktop').click();
    await page.locator(`[data-testid="interaction-view"][data-interaction-id="${open}"]`).waitFor();
  });

  it('reads presence, offers and interactions again after the socket reconnects, so nothing pushed meanwhile is lost', async () => {
    // The socket goes through the test: it can drop it and refuse reconnects for a while.
    let routes: WebSocketRoute[] = [];
    let refusing = false;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (refusing) {
        void ws.close({ code: 1011, reason: 'test: gateway away' });
        return;
      }
      routes.push(ws);
      ws.connectToServer();
    });
    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    refusing = true;
    for (const route of routes) await route.close({ code: 1011, reason: 'test: connection lost' });
    routes = [];
    await page.locator('[data-testid="connection-status"][data-state="offline"]').waitFor();

    // While the desk is away, an offer is made (its push cannot reach the page) and the agent is set not ready.
    const message = await customerTweets('sam_rides', '@PerchAir is the Lisbon lounge open at night?');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    const token = String(await page.evaluate(() => sessionStorage.getItem('perch.token')));
    await rest('PUT', '/api/agents/me/presence', token, { state: 'not-ready', reason: 'break' });
    await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'ada' && c.presence === 'not-ready');
    expect(await page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`).count()).toBe(0);
    expect(await page.getByTestId('presence-status').getAttribute('data-state')).toBe('ready');

    refusing = false;
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`).waitFor();
    await page.locator('[data-testid="presence-status"][data-state="not-ready"][data-reason="break"]').waitFor();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  it('lets the agent choose how new offers call for attention, kept across a reload', async () => {
    expect(await page.getByTestId('alert-flash').isChecked()).toBe(true);
    await page.getByTestId('alert-sound').check();
    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    expect(await page.getByTestId('alert-sound').isChecked()).toBe(true);
  });
});
