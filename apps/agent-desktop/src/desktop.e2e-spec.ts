import { type Classification, type InboundMessage } from '@perch/contracts';
import { type GatewayTestbed, startGatewayTestbed } from '@perch/gateway/testing';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { type AdminAccountView, type AdminTweetView, XSimulator } from '@perch/x-simulator';
import { type Browser, type Page } from 'playwright-core';

import { buildDesktop, customerTweetAt, launchChromium, simulatorAdmin } from './testing/desktop-browser.fixtures';

// The agent's whole journey in a real browser: the gateway module in-process (memory transport and
// stores) with the real X simulator behind it; the test plays the router (it is wired by the app).

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.93,
  actionability: 'actionable',
  actionabilityScore: 0.88,
  sentimentFeatures: ['never arrived'],
  actionabilityFeatures: ['where is'],
  model: 'lexicon-baseline@1',
};
const SCREENSHOT = '/tmp/desktop.png';

describe('Agent desktop', () => {
  let simulator: XSimulator;
  let simUrl: string;
  let testbed: GatewayTestbed;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const admin = simulatorAdmin(() => simUrl);

  const customerTweets = (username: string, text: string): Promise<InboundMessage> => customerTweetAt(admin, BRAND.username, username, text);

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    simUrl = (await simulator.start(0)).baseUrl;
    await admin('POST', '/admin/accounts', { username: 'dana_flies', kind: 'customer', name: 'Dana Whitfield', followersCount: 1234, tweetCount: 5678 });
    await admin('POST', '/admin/accounts', { username: 'sam_rides', kind: 'customer', name: 'Sam Ortega', followersCount: 87, tweetCount: 410 });
    const brand = await admin<AdminAccountView>('GET', `/admin/accounts/${BRAND.username}`);

    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: simUrl }),
      brands: [{ id: brand.id, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3, skills: ['billing'], brands: [BRAND.username] },
        // A colleague for transfers, driven over REST (no browser of their own).
        { id: 'bob', displayName: 'Bob Byrne', password: 'battery staple', capacity: 2, brands: [BRAND.username] },
      ],
      desktopDir: buildDesktop(),
    });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('console', (message) => {
      // The wrong password (401) and the too-long reply (400) are refused on purpose below.
      if (message.type() === 'error' && !/status of 40[01]/.test(message.text())) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
    await simulator?.stop();
  });

  it('signs in, goes ready, accepts an offer, replies on X and marks the interaction done', async () => {
    await page.goto(testbed.baseUrl);
    await page.getByTestId('signin-username').fill('ada');
    await page.getByTestId('signin-password').fill('wrong');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-error').getByText('Unknown username or wrong password').waitFor();
    await page.screenshot({ path: '/tmp/desktop-signin.png' });

    await page.getByTestId('signin-password').fill('correct horse');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('agent-name').getByText('Ada Lovelace').waitFor();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();

    // Ready: the (fake) router hears it and offers the customer's tweet.
    await page.getByTestId('presence-toggle').click();
    await page.locator('[data-testid="presence-status"][data-state="ready"]').waitFor();
    await testbed.router.waitForCommand((c) => c.type === 'presence' && c.presence === 'ready' && c.agentId === 'ada');
    const message = await customerTweets('dana_flies', '@PerchAir my bag never arrived in Lisbon. Where is it? Flight TP1357');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });

    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
    await toast.waitFor();
    expect(await toast.getByTestId('offer-author').textContent()).toContain('@dana_flies');
    expect(await toast.getByTestId('offer-snippet').textContent()).toBe(message.text);
    expect(await toast.getByTestId('offer-sentiment').getAttribute('data-value')).toBe('negative');
    expect(await toast.getByTestId('offer-actionability').getAttribute('data-value')).toBe('actionable');
    expect(await toast.getByTestId('offer-countdown').textContent()).toMatch(/Expires in \d+ s/);

    await toast.getByTestId('offer-accept').click();
    await testbed.router.waitForCommand((c) => c.type === 'accept' && c.interactionId === interactionId);
    const view = page.getByTestId('interaction-view');
    await view.waitFor();
    await toast.waitFor({ state: 'detached' });
    expect(await view.getByTestId('tweet-text').textContent()).toBe(message.text);
    expect(await view.getByTestId('classification-sentiment').getAttribute('data-value')).toBe('negative');
    expect(await view.getByTestId('classification-actionability').getAttribute('data-value')).toBe('actionable');
    expect(await view.getByTestId('author-followers').getAttribute('title')).toBe((1234).toLocaleString('en-US'));
    expect(Number((await view.getByTestId('author-tweets').getAttribute('title'))?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(5678);
    expect(await view.getByTestId('author-profile-link').getAttribute('href')).toBe('https://x.com/dana_flies');
    await view.locator('[data-testid="transcript-entry"][data-kind="customer-message"]').waitFor();
    expect(await view.getByTestId('classification-why').textContent()).toBe('Why: never arrived, Where is');

    // The model read Dana as negative; Ada says it is a neutral question. Her label replaces the model's on the
    // badge, marked as corrected, and the gateway keeps it on the view and as training data.
    const correct = view.getByTestId('classification-correct-open');
    expect(await correct.getAttribute('aria-expanded')).toBe('false');
    await correct.click();
    const correction = view.getByTestId('classification-correction-form');
    await correction.waitFor();
    expect(await correct.getAttribute('aria-expanded')).toBe('true');
    const sentimentChoice = correction.getByRole('combobox', { name: 'Sentiment' });
    expect(await sentimentChoice.inputValue()).toBe('negative');
    expect(await sentimentChoice.locator('option:not([disabled])').allTextContents()).toEqual(['Positive', 'Negative', 'Neutral']);
    expect(await correction.getByRole('combobox', { name: 'Actionability' }).inputValue()).toBe('actionable');
    await correction.getByTestId('correction-save').click();
    await correction.getByTestId('correction-error').getByText('Pick a sentiment or an actionability different from the one shown.').waitFor();
    await sentimentChoice.selectOption('neutral');
    await correction.getByRole('textbox', { name: 'Note (optional)' }).fill('a question about a bag, not a complaint');
    await page.screenshot({ path: '/tmp/desktop-correcting.png' });
    await correction.getByTestId('correction-save').click();
    const sentimentBadge = view.locator('[data-testid="classification-sentiment"][data-value="neutral"][data-corrected="true"]');
    await sentimentBadge.waitFor();
    await correction.waitFor({ state: 'hidden' });
    expect(await sentimentBadge.getByTestId('classification-sentiment-corrected').textContent()).toBe('corrected');
    expect(await sentimentBadge.getAttribute('title')).toBe('Sentiment: Neutral (corrected by an agent; the model said Negative)');
    expect(await view.getByTestId('classification-actionability').getAttribute('data-corrected')).toBe('false');
    expect(await view.getByTestId('classification-why').textContent()).toBe('Why: never arrived, Where is');
    await waitFor('the corrected sentiment on the view', async () => (await testbed.store.get(interactionId))?.classificationCorrection?.sentiment === 'neutral', 5_000);
    expect((await testbed.store.get(interactionId))?.classificationCorrection).toMatchObject({ sentiment: 'neutral', agentId: 'ada' });
    expect((await testbed.store.get(interactionId))?.classificationCorrection).not.toHaveProperty('actionability');
    await waitFor('the correction stored', async () => (await testbed.corrections.list()).length === 1, 5_000);
    expect(await testbed.corrections.list()).toEqual([
      expect.objectContaining({
        interactionId,
        messageId: message.messageId,
        agentId: 'ada',
        text: message.text,
        original: expect.objectContaining({ sentiment: 'negative', actionability: 'actionable', model: 'lexicon-baseline@1' }),
        corrected: { sentiment: 'neutral' },
        note: 'a question about a bag, not a complaint',
      }),
    ]);
    await page.screenshot({ path: '/tmp/desktop-corrected.png' });

    // The composer shows the mention it will insert and counts it.
    await page.getByTestId('reply-text').fill('x'.repeat(300));
    expect(await page.getByTestId('reply-mention-chip').textContent()).toBe('@dana_flies');
    expect(await page.getByTestId('reply-counter').textContent()).toBe('312 / 280');
    await page.getByTestId('reply-send').click();
    await page.getByTestId('reply-error').getByText(/too long by 32 characters/).waitFor();
    await page.screenshot({ path: '/tmp/desktop-too-long.png' });

    const replyText = 'So sorry, Dana! Your bag is on TP1359 and will be delivered to your hotel tonight.';
    await page.getByTestId('reply-text').fill(replyText);
    expect(await page.getByTestId('reply-counter').textContent()).toBe(`${12 + replyText.length} / 280`);
    await page.getByTestId('reply-send').click();

    const sent = view.locator('[data-testid="transcript-entry"][data-kind="agent-action"][data-status="sent"]');
    await sent.waitFor();
    const tweetId = await sent.getAttribute('data-tweet-id');
    expect(tweetId).toMatch(/^\d+$/);
    expect(await sent.getByTestId('entry-tweet-id').textContent()).toBe(`tweet ${tweetId}`);

    // X (the simulator) holds the reply, in reply to the customer's tweet, with the mention.
    const { tweets } = await admin<{ tweets: AdminTweetView[] }>('GET', `/admin/accounts/${BRAND.username}/tweets`);
    expect(tweets).toEqual([
      expect.objectContaining({ id: tweetId, text: `@dana_flies ${replyText}`, inReplyToTweetId: message.messageId }),
    ]);

    // The relation as X tells it: Dana does not follow the brand, so a DM is not offered.
    await view.getByTestId('customer-relation-text').getByText('Does not follow the brand · the brand does not follow them').waitFor();
    expect(await page.getByTestId('channel-dm').isDisabled()).toBe(true);
    expect(await page.getByTestId('dm-eligibility').textContent()).toBe('@dana_flies does not accept DMs from the brand');

    // Following her from the brand: the worker follows on X and the panel says so.
    await view.getByTestId('follow-toggle').click();
    await view.locator('[data-testid="transcript-entry"][data-action="follow"][data-status="sent"]').waitFor();
    await view.getByTestId('customer-relation-text').getByText('the brand follows them').waitFor();
    expect(await view.getByTestId('follow-toggle').textContent()).toBe('Unfollow');
    const dana = await admin<AdminAccountView>('GET', '/admin/accounts/dana_flies');
    expect(dana.publicMetrics.followers_count).toBe(1235);

    // Dana follows the brand; after a refresh the desktop offers the DM, and the answer goes as one.
    await admin('POST', '/admin/follows', { follower: 'dana_flies', target: BRAND.username });
    await view.getByTestId('profile-refresh').click();
    await view.getByTestId('customer-relation-text').getByText('Follows the brand · the brand follows them').waitFor();
    expect(await page.getByTestId('dm-eligibility').textContent()).toBe('Can receive a DM');
    await page.getByTestId('channel-dm').check();
    expect(await page.getByTestId('reply-send').textContent()).toBe('Send DM');
    const dmText = 'Dana, could you send us your baggage tag number so we can track it?';
    await page.getByTestId('reply-text').fill(dmText);
    expect(await page.getByTestId('reply-counter').textContent()).toBe(`${dmText.length} / 10000`);
    await page.getByTestId('reply-send').click();
    await view.locator('[data-testid="transcript-entry"][data-action="dm"][data-status="sent"]').waitFor();
    const { dms } = await admin<{ dms: { text: string; senderUsername: string }[] }>('GET', '/admin/dms?username=dana_flies');
    expect(dms.filter((m) => m.senderUsername === BRAND.username).map((m) => m.text)).toEqual([dmText]);
    await page.getByTestId('channel-reply').check();

    // A new post from the brand account, outside the conversation.
    await page.getByTestId('new-post-open').click();
    await page.getByTestId('new-post-dialog').waitFor();
    expect(await page.getByTestId('new-post-brand').locator('option').allTextContents()).toEqual([`@${BRAND.username}`]);
    const announcement = 'Baggage delivery in Lisbon is running again. Thank you for your patience!';
    await page.getByTestId('new-post-text').fill(announcement);
    await page.getByTestId('new-post-send').click();
    await page.getByTestId('notice').getByText(/Posted on X \(tweet \d+\)/).waitFor();
    const afterPost = await admin<{ tweets: AdminTweetView[] }>('GET', `/admin/accounts/${BRAND.username}/tweets`);
    expect(afterPost.tweets.map((t) => t.text)).toContain(announcement);

    // A second offer arrives while the first is open: the screenshot shows the toast beside the view.
    const second = await customerTweets('sam_rides', '@PerchAir love the new lounge in Porto, great coffee ☕');
    const secondOffer = await testbed.router.offer({
      agentId: 'ada',
      message: second,
      classification: { ...CLASSIFICATION, sentiment: 'positive', actionability: 'not-actionable' },
    });
    const secondToast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${secondOffer.interactionId}"]`);
    await secondToast.waitFor();
    await page.screenshot({ path: SCREENSHOT });

    await secondToast.getByTestId('offer-decline').click();
    await secondToast.waitFor({ state: 'detached' });
    await testbed.router.waitForCommand((c) => c.type === 'decline' && c.interactionId === secondOffer.interactionId);

    await page.getByTestId('disposition').selectOption('resolved');
    await page.getByTestId('done-button').click();
    const done = await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === interactionId);
    expect(done).toMatchObject({ agentId: 'ada', disposition: 'resolved' });
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('interaction-list-item').count()).toBe(0);

    expect(consoleErrors).toEqual([]);
  });

  it('transfers an accepted interaction back to the queue with a reason, and it leaves the desktop', async () => {
    const message = await customerTweets('sam_rides', '@PerchAir I need to change the name on my booking');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
    await toast.waitFor();
    await toast.getByTestId('offer-accept').click();
    const view = page.getByTestId('interaction-view');
    await view.waitFor();
    await page.getByTestId('transfer-open').click();
    await page.getByTestId('transfer-reason').fill('needs the bookings team');
    await page.getByTestId('transfer-button').click();
    const transfer = await testbed.router.waitForCommand((c) => c.type === 'transfer' && c.interactionId === interactionId);
    expect(transfer).toMatchObject({ agentId: 'ada', transferReason: 'needs the bookings team' });
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('interaction-list-item').count()).toBe(0);
    await waitFor('the view queued again', async () => (await testbed.store.get(interactionId))?.state === 'queued', 5_000);
    expect(consoleErrors).toEqual([]);
  });

  it('transfers to a named colleague picked from the roster, and shows a transfer offered to this agent marked as one', async () => {
    const rest = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${testbed.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const signIn = await rest('POST', '/api/auth/sign-in', '', { username: 'bob', password: 'battery staple' });
    const bob = String(signIn.body['token']);
    expect((await rest('PUT', '/api/agents/me/presence', bob, { state: 'ready' })).status).toBe(202);
    await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'bob');
    const transferOfferTo = async (agentId: string, interactionId: string): Promise<string> => {
      await waitFor(`a transfer offered to ${agentId}`, async () =>
        testbed.router.published.some((e) => e.payload.type === 'transfer-offered' && e.payload.interactionId === interactionId && e.payload.agentId === agentId),
      );
      const offered = testbed.router.published.filter((e) => e.payload.type === 'transfer-offered' && e.payload.interactionId === interactionId).pop();
      return offered?.payload.offerId ?? '';
    };

    // Ada hands her interaction to Bob: picked from the roster; she keeps it until he accepts.
    const message = await customerTweets('dana_flies', '@PerchAir my refund has not arrived yet');
    const mine = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${mine.interactionId}"]`);
    await toast.getByTestId('offer-accept').click();
    await page.getByTestId('interaction-view').waitFor();
    await page.getByTestId('transfer-open').click();
    await page.locator('[data-testid="transfer-target"] option[value="bob"]').waitFor({ state: 'attached' });
    await page.getByTestId('transfer-target').selectOption('bob');
    await page.getByTestId('transfer-reason').fill('refunds are Bob’s');
    await page.getByTestId('transfer-button').click();
    const command = await testbed.router.waitForCommand((c) => c.type === 'transfer' && c.interactionId === mine.interactionId);
    expect(command).toMatchObject({ agentId: 'ada', toAgentId: 'bob', transferReason: 'refunds are Bob’s' });
    await page.getByTestId('transfer-status').getByText('Offered to Bob Byrne: waiting for an answer. It stays with you until they accept.').waitFor();
    expect(await page.getByTestId('interaction-list-item').count()).toBe(1);
    const bobsOffer = await transferOfferTo('bob', mine.interactionId);
    expect((await rest('POST', `/api/interactions/${mine.interactionId}/accept`, bob, { offerId: bobsOffer })).status).toBe(202);
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('interaction-list-item').count()).toBe(0);

    // Bob hands another one to Ada: her toast says it is a transfer, from whom and why; accepting opens it.
    const second = await customerTweets('sam_rides', '@PerchAir can I bring my bike on board?');
    const his = await testbed.router.offer({ agentId: 'bob', message: second, classification: CLASSIFICATION });
    expect((await rest('POST', `/api/interactions/${his.interactionId}/accept`, bob, { offerId: his.offerId })).status).toBe(202);
    await waitFor('bob holds it', async () => (await testbed.router.holderOf(his.interactionId))?.state === 'assigned');
    expect((await rest('POST', `/api/interactions/${his.interactionId}/transfer`, bob, { toAgentId: 'ada', reason: 'Ada knows bikes' })).status).toBe(202);
    const transferToast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${his.interactionId}"][data-transfer="true"]`);
    await transferToast.waitFor();
    expect(await transferToast.getByTestId('offer-transfer-reason').textContent()).toBe('Reason: Ada knows bikes');
    expect(await transferToast.locator('.toast-title').textContent()).toMatch(/^Transfer from (Bob Byrne|bob)$/);
    await transferToast.getByTestId('offer-accept').click();
    await testbed.router.waitForCommand((c) => c.type === 'accept' && c.interactionId === his.interactionId && c.agentId === 'ada');
    await page.getByTestId('interaction-view').waitFor();
    expect(await page.getByTestId('tweet-text').textContent()).toBe(second.text);
    await page.getByTestId('done-button').click();
    await page.getByTestId('empty-state').waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('consults a colleague about the open interaction: internal entries in the consult panel, the answer arriving live', async () => {
    const signIn = await fetch(`${testbed.baseUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'battery staple' }),
    });
    const bob = String(((await signIn.json()) as Record<string, unknown>)['token']);
    const message = await customerTweets('dana_flies', '@PerchAir can I get a refund for a 2 hour delay?');
    const mine = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    await page.locator(`[data-testid="offer-toast"][data-interaction-id="${mine.interactionId}"]`).getByTestId('offer-accept').click();
    const view = page.getByTestId('interaction-view');
    await view.waitFor();
    await page.getByTestId('consult-open').click();
    await page.locator('[data-testid="consult-target"] option[value="bob"]').waitFor({ state: 'attached' });
    await page.getByTestId('consult-target').selectOption('bob');
    await page.getByTestId('consult-text').fill('Refund or voucher for 2 hours?');
    await page.getByTestId('consult-button').click();
    const asked = view.locator('[data-testid="transcript-entry"][data-kind="consultation"]');
    await asked.first().waitFor();
    expect(await asked.first().locator('.entry-text').textContent()).toBe('Refund or voucher for 2 hours?');
    const answer = await fetch(`${testbed.baseUrl}/api/interactions/${mine.interactionId}/consultations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob}` },
      body: JSON.stringify({ withAgentId: 'ada', text: 'A voucher: refunds start at 3 hours' }),
    });
    expect(answer.status).toBe(201);
    await view.getByTestId('consult-thread').locator('[data-testid="transcript-entry"][data-kind="consultation"]').nth(1).getByText('A voucher: refunds start at 3 hours').waitFor();
    // Internal: never among what the customer's conversation shows.
    expect(await view.getByTestId('transcript').locator('[data-kind="consultation"]').count()).toBe(0);
    await page.screenshot({ path: '/tmp/desktop-consultation.png' });
    await page.getByTestId('done-button').click();
    await page.getByTestId('empty-state').waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('returns to sign-in when the gateway ends the session (socket closed 4401), and signing out revokes the token', async () => {
    const tokenNow = (): Promise<string | null> => page.evaluate(() => sessionStorage.getItem('perch.token'));
    const revoked = await tokenNow();
    expect(revoked).toEqual(expect.any(String));
    // Revoked elsewhere (e.g. signed out on another replica): the gateway's periodic check closes the socket.
    await testbed.agents.revoke(await testbed.agents.verifySession(revoked ?? ''));
    await page.getByTestId('signin-error').getByText('Your session ended; sign in again.').waitFor();
    expect(await tokenNow()).toBeNull();

    await page.getByTestId('signin-username').fill('ada');
    await page.getByTestId('signin-password').fill('correct horse');
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    const token = await tokenNow();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-submit').waitFor();
    // Whoever sits down next finds no password to sign in with.
    expect(await page.getByTestId('signin-password').inputValue()).toBe('');
    await waitFor('the token to be refused', async () => (await fetch(`${testbed.baseUrl}/api/agents/me`, { headers: { authorization: `Bearer ${token}` } })).status === 401, 5_000);
    expect(consoleErrors).toEqual([]);
  });

  it("shows the router's presence: a missed offer as Not ready (missed offer) without a reload, Ready after a reload, wrap-up after done", async () => {
    testbed.router.wrapUpMs = 30_000;
    const status = page.getByTestId('presence-status');
    const stateIs = (value: string) => page.locator(`[data-testid="presence-status"][data-state="${value}"]`).waitFor();
    await page.getByTestId('signin-username').fill('ada');
    await page.getByTestId('signin-password').fill('correct horse');
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    // The previous test signed out: the router has Ada offline, and the desktop says so rather than guessing.
    await stateIs('offline');
    expect(await status.getByTestId('presence-label').textContent()).toBe('Offline');

    await page.getByTestId('presence-toggle').click();
    await stateIs('ready');
    // The control that changes the state never repeats it: while ready, "Go ready" is gone.
    await page.getByTestId('presence-toggle').waitFor({ state: 'hidden' });

    // An offer nobody answers: the router takes it back and sets Ada not ready; the page learns it from the push alone.
    // A mark on this page's window: a reload would wipe it.
    await page.evaluate(() => Object.assign(window, { perchSamePage: true }));
    const missed = await customerTweets('sam_rides', '@PerchAir is the Porto lounge open on Sundays?');
    const { interactionId: missedId } = await testbed.router.offer({ agentId: 'ada', message: missed, classification: CLASSIFICATION });
    const missedToast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${missedId}"]`);
    await missedToast.waitFor();
    await testbed.router.timeOutOffer(missedId);
    await missedToast.waitFor({ state: 'detached' });
    await stateIs('not-ready');
    expect(await status.getByTestId('presence-label').textContent()).toBe('Not ready (missed offer)');
    expect(await status.getAttribute('data-reason')).toBe('missed-offer');
    expect(await page.getByTestId('presence-toggle').textContent()).toBe('Go ready');
    expect(await page.evaluate(() => (window as unknown as { perchSamePage?: boolean }).perchSamePage)).toBe(true);
    await page.screenshot({ path: '/tmp/desktop-missed-offer.png' });

    // A reason from the list, then ready again.
    expect(await page.getByTestId('presence-reason').locator('option:not([disabled])').allTextContents()).toEqual(['Break', 'Meeting', 'Training']);
    await page.getByTestId('presence-reason').selectOption('break');
    await page.locator('[data-testid="presence-status"][data-reason="break"]').waitFor();
    expect(await status.getByTestId('presence-label').textContent()).toBe('Not ready (break)');
    await page.getByTestId('presence-toggle').click();
    await stateIs('ready');

    // A reload while ready, with an offer pending: the page reads both again from the router.
    const pending = await customerTweets('dana_flies', '@PerchAir my second bag is missing too');
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message: pending, classification: CLASSIFICATION });
    const toast = page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);
    await toast.waitFor();
    await waitFor('the offer projected', async () => (await testbed.store.get(interactionId))?.state === 'offered', 5_000);
    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await stateIs('ready');
    expect(await status.getByTestId('presence-label').textContent()).toBe('Ready');
    await page.getByTestId('presence-toggle').waitFor({ state: 'hidden' });
    await toast.waitFor();
    expect(await toast.getByTestId('offer-snippet').textContent()).toBe(pending.text);

    // Done: wrap-up with its countdown, no offers meanwhile; the router's timer (played here) makes Ada ready again.
    await toast.getByTestId('offer-accept').click();
    await page.getByTestId('interaction-view').waitFor();
    await page.getByTestId('done-button').click();
    await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === interactionId);
    await stateIs('wrap-up');
    expect(await status.getByTestId('presence-label').textContent()).toBe('Wrap-up');
    // Read as the state turns: the countdown starts from the wrap-up's 30 s, never from the page's load.
    const countdown = (await status.getByTestId('presence-countdown').textContent()) ?? '';
    expect(countdown).toMatch(/^\d+ s$/);
    expect(Number.parseInt(countdown, 10)).toBeLessThanOrEqual(30);
    await page.screenshot({ path: '/tmp/desktop-wrap-up.png' });
    await testbed.router.endWrapUp('ada');
    await stateIs('ready');
    expect(await status.getByTestId('presence-countdown').isHidden()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('opens an interaction accepted while its store could not be read, says so, and shows the tweet once the store answers', async () => {
    // Last in this file: after the outage the push path leaves the store alone for a moment (ADR 38), so the next accept
    // would be pushed incomplete too, which the journeys above do not expect.
    const message = await customerTweets('dana_flies', '@PerchAir you took this one while the database was down');
    // Offered first to a colleague whose desktop is closed: the gateway keeps views only of connected agents' offers, so
    // the accept below must read the store, as on a replica that did not see the offer.
    const { interactionId } = await testbed.router.offer({ agentId: 'bob', message, classification: CLASSIFICATION });
    await waitFor('the view stored', async () => (await testbed.store.get(interactionId))?.firstMessage?.messageId === message.messageId, 5_000);
    const errorsBefore = consoleErrors.length;
    const storeGet = testbed.store.get.bind(testbed.store);
    const view = page.locator(`[data-testid="interaction-view"][data-interaction-id="${interactionId}"]`);
    try {
      testbed.store.get = () => Promise.reject(new Error('the interactions store is down (test)'));
      await testbed.router.assign({ interactionId, agentId: 'ada', conversationKey: message.conversationKey, brandAccountId: message.brandAccountId });
      await view.getByTestId('view-incomplete').waitFor();
      expect(await view.getByTestId('tweet-text').textContent()).toBe('');
      // Nothing to answer or label yet: no composer, no classification to correct.
      await view.getByTestId('composer-waiting').waitFor();
      expect(await view.getByTestId('reply-text').count()).toBe(0);
      expect(await view.getByTestId('classification-sentiment').count()).toBe(0);
      // The desktop's first read again fails too (after 1 s), then the store comes back.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await page.screenshot({ path: '/tmp/desktop-incomplete.png' });
    } finally {
      testbed.store.get = storeGet;
    }
    await view.getByTestId('tweet-text').getByText(message.text).waitFor({ timeout: 10_000 });
    await view.getByTestId('view-incomplete').waitFor({ state: 'detached' });
    expect(await view.locator('[data-testid="transcript-entry"][data-kind="customer-message"]').count()).toBe(1);
    await view.getByTestId('reply-text').waitFor();
    expect(await view.getByTestId('classification-sentiment').getAttribute('data-value')).toBe('negative');
    await view.getByTestId('author-profile-link').waitFor();
    await page.screenshot({ path: '/tmp/desktop-incomplete-read.png' });
    // The reads refused while the store was down are the only errors this test provokes.
    expect(consoleErrors.splice(errorsBefore).every((error) => /status of 5\d\d/.test(error))).toBe(true);

    await page.getByTestId('transfer-open').click();
    await page.getByTestId('transfer-reason').fill('back to the queue');
    await page.getByTestId('transfer-button').click();
    await page.getByTestId('empty-state').waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
