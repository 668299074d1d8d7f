import { type Classification, type InboundMessage, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { type GatewayTestbed, startGatewayTestbed } from '@perch/gateway/testing';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { type AdminAccountView, XSimulator } from '@perch/x-simulator';
import { type Browser, type Page } from 'playwright-core';

import { acceptOffer, buildDesktop, customerTweetAt, goReady, launchChromium, openDesktop, signIn, simulatorAdmin } from './testing/desktop-browser.fixtures';

// Two agents, each in a browser context of their own, working together on the gateway in-process (memory transport
// and stores) with the X simulator behind it; the test plays the router where the FakeRouter has no part to play.

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.9,
  actionability: 'actionable',
  actionabilityScore: 0.9,
  sentimentFeatures: ['delay'],
  actionabilityFeatures: ['refund'],
  model: 'lexicon-baseline@1',
};

describe('Agent desktop: working with a colleague', () => {
  let simulator: XSimulator;
  let simUrl: string;
  let testbed: GatewayTestbed;
  let browser: Browser;
  let ada: Page;
  let bob: Page;
  const consoleErrors: string[] = [];

  const admin = simulatorAdmin(() => simUrl);

  const customerTweets = (username: string, text: string): Promise<InboundMessage> => customerTweetAt(admin, BRAND.username, username, text);

  /** A customer's tweet offered to Ada, accepted in her browser: she holds it. */
  async function adaHolds(text: string): Promise<{ interactionId: string; text: string }> {
    const message = await customerTweets('dana_flies', text);
    const { interactionId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    await acceptOffer(ada, interactionId);
    await waitFor('Ada holds it', async () => (await testbed.router.holderOf(interactionId))?.state === 'assigned');
    return { interactionId, text: message.text };
  }

  async function transferFromAda(interactionId: string, reason: string): Promise<void> {
    await ada.getByTestId('transfer-open').click();
    await ada.locator('[data-testid="transfer-target"] option[value="bob"]:not([disabled])').waitFor({ state: 'attached' });
    await ada.getByTestId('transfer-target').selectOption('bob');
    await ada.getByTestId('transfer-reason').fill(reason);
    await ada.getByTestId('transfer-button').click();
    await testbed.router.waitForCommand((c) => c.type === 'transfer' && c.interactionId === interactionId && c.toAgentId === 'bob');
  }

  const toastOf = (page: Page, interactionId: string) => page.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"]`);

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    simUrl = (await simulator.start(0)).baseUrl;
    await admin('POST', '/admin/accounts', { username: 'dana_flies', kind: 'customer', name: 'Dana Whitfield', followersCount: 1234, tweetCount: 5678 });
    const brand = await admin<AdminAccountView>('GET', `/admin/accounts/${BRAND.username}`);
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: simUrl }),
      brands: [{ id: brand.id, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3, brands: [BRAND.username] },
        { id: 'bob', displayName: 'Bob Byrne', password: 'battery staple', capacity: 3, brands: [BRAND.username] },
        // Never signed in: listed in the pickers, but no transfer can go to her.
        { id: 'cleo', displayName: 'Cleo Park', password: 'cleo cleo', capacity: 1, brands: [BRAND.username] },
      ],
      desktopDir: buildDesktop(),
    });
    browser = await launchChromium();
    ada = await openDesktop(browser, testbed.baseUrl, consoleErrors);
    bob = await openDesktop(browser, testbed.baseUrl, consoleErrors);
    await signIn(ada, 'ada', 'correct horse');
    await signIn(bob, 'bob', 'battery staple');
    await goReady(ada);
    await goReady(bob);
  });

  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
    await simulator?.stop();
  });

  afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  it("shows the router's state once in the top bar, apart from the control that changes it", async () => {
    const status = ada.getByTestId('presence-status');
    expect(await status.getByTestId('presence-label').textContent()).toBe('Ready');
    // No control repeats the state: while ready there is no "Ready" button, only the way to not ready.
    expect(await ada.getByRole('button', { name: /ready/i }).count()).toBe(0);
    expect(await ada.getByRole('combobox', { name: 'Set not ready, with a reason' }).inputValue()).toBe('');

    await ada.getByTestId('presence-reason').selectOption('meeting');
    await ada.locator('[data-testid="presence-status"][data-state="not-ready"][data-reason="meeting"]').waitFor();
    expect(await status.getByTestId('presence-label').textContent()).toBe('Not ready (meeting)');
    expect(await ada.getByRole('button', { name: 'Go ready', exact: true }).isVisible()).toBe(true);
    await ada.screenshot({ path: '/tmp/desktop-presence-not-ready.png', clip: { x: 600, y: 0, width: 760, height: 56 } });
    await goReady(ada);
    expect(await status.getByTestId('presence-label').textContent()).toBe('Ready');
  });

  it('transfers to a colleague who accepts: the colleague’s toast survives a reload, and the holder is told', async () => {
    const { interactionId, text } = await adaHolds('@PerchAir my refund for the cancelled flight never came');
    await ada.getByTestId('transfer-open').click();
    // The queue first, then colleagues with the router's state; one who is offline cannot be picked.
    await ada.locator('[data-testid="transfer-target"] option[value="bob"]').waitFor({ state: 'attached' });
    expect(await ada.getByTestId('transfer-target').locator('option').allTextContents()).toEqual(['The queue (next free agent)', 'Bob Byrne (ready)', 'Cleo Park (offline)']);
    expect(await ada.locator('[data-testid="transfer-target"] option[value="cleo"]').isDisabled()).toBe(true);
    await ada.getByTestId('transfer-open').click();
    await transferFromAda(interactionId, 'refunds are Bob’s team');

    // Ada keeps it until Bob answers, and says so.
    await ada.getByTestId('transfer-status').getByText('Offered to Bob Byrne: waiting for an answer. It stays with you until they accept.').waitFor();
    expect(await ada.getByTestId('transfer-button').isDisabled()).toBe(true);
    const toast = bob.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"][data-transfer="true"]`);
    await toast.waitFor();
    expect(await toast.locator('.toast-title').textContent()).toBe('Transfer from Ada Lovelace');
    expect(await toast.getByTestId('offer-transfer-reason').textContent()).toBe('Reason: refunds are Bob’s team');
    await bob.screenshot({ path: '/tmp/desktop-transfer-offer.png' });

    // Reloaded, Bob's desktop reads the pending transfer offer again from the gateway.
    await bob.reload();
    await bob.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await toast.waitFor();
    expect(await toast.locator('.toast-title').textContent()).toBe('Transfer from Ada Lovelace');

    await toast.getByTestId('offer-accept').click();
    await testbed.router.waitForCommand((c) => c.type === 'accept' && c.interactionId === interactionId && c.agentId === 'bob');
    await bob.getByTestId('interaction-view').waitFor();
    expect(await bob.getByTestId('tweet-text').textContent()).toBe(text);
    await ada.getByTestId('notice').getByText('Bob Byrne accepted the transfer.').waitFor();
    await ada.getByTestId('empty-state').waitFor();
    expect(await ada.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"]`).count()).toBe(0);

    await bob.getByTestId('done-button').click();
    await bob.getByTestId('empty-state').waitFor();
  });

  it('transfers to a colleague who declines, then to one who lets it time out: it stays with the holder, who may try again', async () => {
    const { interactionId } = await adaHolds('@PerchAir can I change my seat for free?');
    await transferFromAda(interactionId, 'Bob handles seats');
    const toast = toastOf(bob, interactionId);
    await toast.waitFor();
    await toast.getByTestId('offer-decline').click();
    await toast.waitFor({ state: 'detached' });
    await ada.getByTestId('transfer-status').getByText('Bob Byrne declined the transfer: it stays with you.').waitFor();
    expect(await ada.getByTestId('transfer-status').getAttribute('data-kind')).toBe('failed');
    expect(await ada.getByTestId('transfer-button').isEnabled()).toBe(true);
    expect(await ada.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"]`).count()).toBe(1);

    // Again; this time nobody answers, and the router's timer (played here: the FakeRouter has none) ends the offer.
    await ada.getByTestId('transfer-reason').fill('Bob handles seats, second try');
    await ada.getByTestId('transfer-button').click();
    await toast.waitFor();
    await ada.getByTestId('transfer-status').getByText(/^Offered to Bob Byrne/).waitFor();
    const offered = testbed.router.published.filter((e) => e.payload.type === 'transfer-offered' && e.payload.interactionId === interactionId).pop();
    if (!offered) throw new Error('no transfer offered');
    const { message: _message, classification: _classification, offerExpiresAt: _deadline, reason: _reason, ...facts } = offered.payload;
    const timedOut: InteractionLifecyclePayload = { ...facts, type: 'transfer-timed-out', reason: 'not answered in time' };
    await testbed.bus.publish(Topics.InteractionLifecycle, timedOut, { correlationId: offered.correlationId });
    await toast.waitFor({ state: 'detached' });
    await ada.getByTestId('transfer-status').getByText('Bob Byrne did not answer in time: it stays with you.').waitFor();
    await ada.screenshot({ path: '/tmp/desktop-transfer-timed-out.png' });
    await ada.getByTestId('done-button').click();
    await ada.getByTestId('empty-state').waitFor();
  });

  it('consults a colleague who answers from a thread of their own, without holding the interaction', async () => {
    const { interactionId } = await adaHolds('@PerchAir my flight was 2 hours late, can I get a refund?');
    await ada.getByTestId('consult-open').click();
    const panel = ada.getByTestId('consult-panel');
    expect(await panel.locator('.internal-banner').textContent()).toContain('never sent to X');
    await ada.locator('[data-testid="consult-target"] option[value="bob"]').waitFor({ state: 'attached' });
    await ada.getByTestId('consult-target').selectOption('bob');
    await ada.getByTestId('consult-text').fill('Refund or voucher for 2 hours late?');
    await ada.getByTestId('consult-voice').check();
    await ada.getByTestId('consult-button').click();
    await panel.locator('[data-testid="transcript-entry"][data-from="ada"]').getByText('Refund or voucher for 2 hours late?').waitFor();

    // Bob holds nothing of it, and sees the question in his side column, marked internal, with a box to answer.
    const thread = bob.locator(`[data-testid="consult-inbox-thread"][data-interaction-id="${interactionId}"][data-peer-id="ada"]`);
    await thread.waitFor();
    expect(await thread.locator('.thread-card-head').textContent()).toContain('Ada Lovelace asks you');
    expect(await thread.locator('.thread-card-head').textContent()).toContain('call requested');
    expect(await bob.getByTestId('consult-inbox').textContent()).toContain('Internal, never sent to X.');
    expect(await thread.getByTestId('consult-entry').first().textContent()).toContain('Refund or voucher for 2 hours late?');
    await thread.getByTestId('consult-reply-text').fill('A voucher: refunds start at 3 hours');
    await bob.screenshot({ path: '/tmp/desktop-consulted.png' });
    await thread.getByTestId('consult-reply-send').click();
    await thread.getByTestId('consult-entry').nth(1).getByText('A voucher: refunds start at 3 hours').waitFor();

    // Ada reads the answer in the consult panel, never in the customer's conversation.
    await panel.locator('[data-testid="transcript-entry"][data-from="bob"]').getByText('A voucher: refunds start at 3 hours').waitFor();
    expect(await ada.getByTestId('transcript').locator('[data-kind="consultation"]').count()).toBe(0);
    expect(await ada.getByTestId('consult-count').textContent()).toBe('2');
    await ada.screenshot({ path: '/tmp/desktop-consulting.png' });
    const stored = await testbed.store.get(interactionId);
    expect(stored?.transcript.filter((e) => e.kind === 'consultation').map((e) => [e.fromAgentId, e.text, e.voice ?? false])).toEqual([
      ['ada', 'Refund or voucher for 2 hours late?', true],
      ['bob', 'A voucher: refunds start at 3 hours', false],
    ]);

    // Bob's thread outlives a reload of his page.
    await bob.reload();
    await bob.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    expect(await thread.getByTestId('consult-entry').count()).toBe(2);
    await thread.getByTestId('consult-dismiss').click();
    await thread.waitFor({ state: 'detached' });

    await ada.getByTestId('done-button').click();
    await ada.getByTestId('empty-state').waitFor();
  });

  it('holds a conference: invite (declined, timed out, joined), both answer the customer, the guest leaves, the holder hands over', async () => {
    const { interactionId, text } = await adaHolds('@PerchAir you charged me twice for my bag, I want my money back');
    const invite = async (note: string): Promise<void> => {
      await ada.locator('[data-testid="conference-target"] option[value="bob"]:not([disabled])').waitFor({ state: 'attached' });
      await ada.getByTestId('conference-target').selectOption('bob');
      await ada.getByTestId('conference-reason').fill(note);
      await ada.getByTestId('conference-invite').click();
      await ada.getByTestId('conference-status').getByText('Invitation sent to Bob Byrne: waiting for an answer.').waitFor();
    };
    const invitation = bob.locator(`[data-testid="offer-toast"][data-interaction-id="${interactionId}"][data-conference="true"]`);
    await ada.getByTestId('conference-open').click();
    // Only colleagues signed in may be invited.
    await ada.locator('[data-testid="conference-target"] option[value="cleo"]').waitFor({ state: 'attached' });
    expect(await ada.locator('[data-testid="conference-target"] option[value="cleo"]').isDisabled()).toBe(true);

    // Declined: Ada is told, and may invite again.
    await invite('double charge: billing rules');
    await invitation.waitFor();
    expect(await invitation.locator('.toast-title').textContent()).toBe('Conference invitation from Ada Lovelace');
    expect(await invitation.getByTestId('offer-conference-note').textContent()).toBe('Note: double charge: billing rules');
    expect(await invitation.getByTestId('offer-accept').textContent()).toBe('Join');
    await invitation.getByTestId('offer-decline').click();
    await invitation.waitFor({ state: 'detached' });
    await ada.getByTestId('conference-status').getByText('Bob Byrne declined the invitation.').waitFor();

    // Not answered in time (the router's sweeper, played by the FakeRouter): Ada is told, Bob's toast goes.
    await invite('second try');
    await invitation.waitFor();
    await testbed.router.timeOutInvitation(interactionId);
    await invitation.waitFor({ state: 'detached' });
    await ada.getByTestId('conference-status').getByText('Bob Byrne did not answer the invitation in time.').waitFor();

    // Joined, after a reload of Bob's page that read the invitation again.
    await invite('third try');
    await invitation.waitFor();
    await bob.reload();
    await bob.locator('[data-testid="connection-status"][data-state="online"]').waitFor();
    await invitation.waitFor();
    expect(await invitation.locator('.toast-title').textContent()).toBe('Conference invitation from Ada Lovelace');
    await invitation.getByTestId('offer-accept').click();
    await bob.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"][aria-current="true"]`).waitFor();
    expect(await bob.getByTestId('tweet-text').textContent()).toBe(text);
    expect(await bob.getByTestId('guest-badge').textContent()).toBe('Guest of Ada Lovelace');
    // A guest answers the customer but neither closes, transfers nor invites.
    expect(await bob.getByTestId('done-button').isVisible()).toBe(false);
    expect(await bob.getByTestId('transfer-open').isVisible()).toBe(false);
    await ada.getByTestId('conference-status').getByText('Bob Byrne joined the conference.').waitFor();
    await ada.locator('[data-testid="conference-guest"][data-agent-id="bob"]').waitFor();

    // The customer writes again: both see it.
    const more = await customerTweets('dana_flies', '@PerchAir and the second charge is 49 euros');
    await testbed.router.addMessage(interactionId, 'ada', more, CLASSIFICATION);
    for (const page of [ada, bob]) await page.locator('[data-testid="transcript-entry"][data-kind="customer-message"]').getByText('the second charge is 49 euros').waitFor();

    // Either answers; both see both answers in the transcript.
    await ada.getByTestId('reply-text').fill('Sorry about that! Looking into the double charge now.');
    await ada.getByTestId('reply-send').click();
    await bob.getByTestId('reply-text').fill('Billing here: the second charge is refunded today.');
    await bob.getByTestId('reply-send').click();
    for (const page of [ada, bob]) {
      const sent = page.locator('[data-testid="transcript-entry"][data-kind="agent-action"][data-status="sent"]');
      await sent.getByText('Sorry about that! Looking into the double charge now.').waitFor();
      await sent.getByText('Billing here: the second charge is refunded today.').waitFor();
    }
    expect(await ada.locator('[data-testid="transcript-entry"][data-kind="agent-action"]').filter({ hasText: 'Billing here' }).locator('.entry-head strong').textContent()).toBe('Bob Byrne');
    await ada.screenshot({ path: '/tmp/desktop-conference-holder.png' });
    await bob.screenshot({ path: '/tmp/desktop-conference-guest.png' });

    // The guest leaves: the interaction leaves Bob's desktop and stays with Ada.
    await bob.getByTestId('conference-leave').click();
    await bob.getByTestId('notice').getByText('You left the conference.').waitFor();
    await bob.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"]`).waitFor({ state: 'detached' });
    await ada.getByTestId('conference-status').getByText('Bob Byrne left the conference.').waitFor();
    expect(await ada.getByTestId('conference-guest').count()).toBe(0);

    // Back in, then Ada hands it over: Bob holds it, Ada is out.
    await invite('please take it over');
    await invitation.getByTestId('offer-accept').click();
    await ada.locator('[data-testid="conference-hand-over"][data-agent-id="bob"]').click();
    await ada.getByTestId('notice').getByText('Handed over to Bob Byrne.').waitFor();
    await ada.locator(`[data-testid="interaction-list-item"][data-interaction-id="${interactionId}"]`).waitFor({ state: 'detached' });
    await bob.getByTestId('notice').getByText('It was handed over to you: you hold it now.').waitFor();
    await bob.getByTestId('done-button').waitFor();
    expect(await bob.getByTestId('guest-controls').isVisible()).toBe(false);
    await bob.getByTestId('done-button').click();
    await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === interactionId && c.agentId === 'bob');
    await bob.getByTestId('empty-state').waitFor();
  });

  it('never lets offers or notices cover the composer’s Send button', async () => {
    await adaHolds('@PerchAir where is my bag?');
    for (const text of ['@PerchAir one more thing', '@PerchAir and another', '@PerchAir and a third']) {
      const { interactionId: offered } = await testbed.router.offer({ agentId: 'ada', message: await customerTweets('dana_flies', text), classification: CLASSIFICATION });
      await toastOf(ada, offered).waitFor();
    }
    for (const size of [{ width: 1360, height: 860 }, { width: 1100, height: 700 }]) {
      await ada.setViewportSize(size);
      const send = ada.getByTestId('reply-send');
      await send.scrollIntoViewIfNeeded();
      // Whatever is drawn at the button's centre is the button itself.
      const hit = await send.evaluate((button) => {
        const box = button.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return top === button || button.contains(top);
      });
      expect({ size, hit }).toEqual({ size, hit: true });
      const sendBox = await send.boundingBox();
      // One snapshot of every toast and notice drawn now: a notice that closes on its own between listing the
      // elements and reading one's box used to stall the check for 30 s.
      const drawn = await ada.locator('[data-testid="offer-toast"], [data-testid="notice"]').evaluateAll((elements) =>
        elements
          .map((element) => element.getBoundingClientRect())
          .filter((rect) => rect.width > 0 && rect.height > 0)
          .map((rect) => ({ x: rect.x, y: rect.y, width: rect.width, height: rect.height })),
      );
      expect(drawn.length).toBeGreaterThan(0);
      for (const box of drawn) {
        if (!sendBox) continue;
        const overlaps = box.x < sendBox.x + sendBox.width && sendBox.x < box.x + box.width && box.y < sendBox.y + sendBox.height && sendBox.y < box.y + box.height;
        expect({ size, overlaps }).toEqual({ size, overlaps: false });
      }
    }
    await ada.screenshot({ path: '/tmp/desktop-toasts-beside.png' });
    await ada.setViewportSize({ width: 1360, height: 860 });
    while ((await ada.getByTestId('offer-toast').count()) > 0) {
      const first = ada.getByTestId('offer-toast').first();
      const offered = (await first.getAttribute('data-interaction-id')) ?? '';
      await first.getByTestId('offer-decline').click();
      await toastOf(ada, offered).waitFor({ state: 'detached' });
    }
    await ada.getByTestId('done-button').click();
    await ada.getByTestId('empty-state').waitFor();
  });
});
