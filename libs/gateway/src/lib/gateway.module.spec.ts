import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  type Classification,
  type ClassificationCorrectedPayload,
  type EventEnvelope,
  type InboundMessage,
  type OutboundRequestedPayload,
  Topics,
} from '@perch/contracts';
import { newId } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { DUPLICATE_CONTENT_DETAIL, XSimulator } from '@perch/x-simulator';

import { AgentSocketProbe } from './testing/agent-socket-probe.fixtures';
import {
  authorFacts,
  type GatewayTestbed,
  inboundMessageFrom,
  inboundMessageOfTweet,
  startGatewayTestbed,
} from './testing/gateway-testbed.fixtures';
import { testbedClient } from './testing/testbed-client.fixtures';

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
const CLASSIFICATION: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.91,
  actionability: 'actionable',
  actionabilityScore: 0.84,
  sentimentFeatures: ['lost'],
  actionabilityFeatures: ['where is'],
  model: 'lexicon-baseline@1',
};

describe('GatewayModule over HTTP and WebSocket', () => {
  let simulator: XSimulator;
  let testbed: GatewayTestbed;
  let desktopDir: string;
  let brandId: string;

  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  /** A customer tweets at the brand on the simulator; the message is what the ingestor would emit. */
  function customerTweets(username: string, text: string): InboundMessage {
    const tweet = simulator.createTweet({ authorUsername: username, text });
    return inboundMessageFrom({ brand: { id: brandId, username: BRAND.username }, tweet, author: authorFacts(simulator.account(username)) });
  }

  /** The message the ingestor would emit for a tweet already made on the simulator. */
  function customerTweetsFrom(tweet: ReturnType<XSimulator['createTweet']>): InboundMessage {
    return inboundMessageOfTweet(simulator, { id: brandId, username: BRAND.username }, tweet);
  }

  function problemFields(body: Record<string, unknown>): string[] {
    return ((body['problems'] as { field: string }[] | undefined) ?? []).map((problem) => problem.field).sort();
  }

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    const { baseUrl } = await simulator.start(0);
    brandId = simulator.account(BRAND.username).id;
    simulator.createAccount({ username: 'dana_flies', kind: 'customer', name: 'Dana', followersCount: 1234, tweetCount: 5678 });
    simulator.createAccount({ username: 'sam_rides', kind: 'customer', name: 'Sam', followersCount: 12, tweetCount: 40 });

    desktopDir = await mkdtemp(join(tmpdir(), 'perch-desktop-'));
    await writeFile(join(desktopDir, 'index.html'), '<!doctype html><title>Perch</title>');
    await writeFile(join(desktopDir, 'app.js'), 'export {};');
    await mkdir(join(desktopDir, 'assets'));
    await writeFile(join(desktopDir, 'assets', 'index-Dm1b_yU-.js'), 'export {};');

    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: baseUrl }),
      brands: [{ id: brandId, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', capacity: 3, skills: ['billing'], brands: [BRAND.username] },
        { id: 'bob', displayName: 'Bob Builder', password: 'battery staple' },
      ],
      desktopDir,
    });
  });

  afterAll(async () => {
    await testbed?.close();
    await simulator?.stop();
    await rm(desktopDir, { recursive: true, force: true });
  });

  describe('REST validation and auth', () => {
    it('answers 400 naming every missing field', async () => {
      const response = await request('POST', '/api/auth/sign-in', {});
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation-failed' });
      expect(problemFields(response.body)).toEqual(['password', 'username']);
    });

    it('answers 400 naming a field that is not part of the request', async () => {
      const response = await request('POST', '/api/auth/sign-in', { username: 'ada', password: 'x', role: 'admin' });
      expect(response.status).toBe(400);
      expect(problemFields(response.body)).toEqual(['role']);
    });

    it('signs an agent in and returns a token and the agent profile', async () => {
      const response = await request('POST', '/api/auth/sign-in', { username: 'ada', password: 'correct horse' });
      expect(response.status).toBe(201);
      expect(response.body['agent']).toEqual({
        id: 'ada',
        displayName: 'Ada Lovelace',
        capacity: 3,
        skills: ['billing'],
        role: 'agent',
        brands: [BRAND.username],
      });
      expect(typeof response.body['token']).toBe('string');
    });

    it('refuses a wrong password with 401', async () => {
      const response = await request('POST', '/api/auth/sign-in', { username: 'ada', password: 'wrong' });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'bad-credentials' });
    });

    it('refuses API calls without a valid token with 401', async () => {
      expect((await request('GET', '/api/agents/me')).status).toBe(401);
      expect((await request('GET', '/api/agents/me', undefined, 'v1.forged.token')).status).toBe(401);
    });

    it("returns the signed-in agent's profile", async () => {
      const token = await signIn('ada', 'correct horse');
      const response = await request('GET', '/api/agents/me', undefined, token);
      expect(response).toEqual({
        status: 200,
        body: { id: 'ada', displayName: 'Ada Lovelace', capacity: 3, skills: ['billing'], role: 'agent', brands: [BRAND.username] },
      });
    });

    it('validates presence, and publishes a valid change to the router', async () => {
      const token = await signIn('ada', 'correct horse');
      const bad = await request('PUT', '/api/agents/me/presence', { state: 'sleeping', capacity: 0 }, token);
      expect(bad.status).toBe(400);
      expect(problemFields(bad.body)).toEqual(['capacity', 'state']);

      const good = await request('PUT', '/api/agents/me/presence', { state: 'ready' }, token);
      expect(good.status).toBe(202);
      const command = await testbed.router.waitForCommand((c) => c.commandId === good.body['commandId']);
      expect(command).toMatchObject({ type: 'presence', agentId: 'ada', presence: 'ready', capacity: 3, skills: ['billing'] });
    });

    it('refuses an agent who tries to set their own capacity, and keeps the configured one', async () => {
      const token = await signIn('ada', 'correct horse');
      const raise = await request('PUT', '/api/agents/me/presence', { state: 'ready', capacity: 50 }, token);
      expect(raise).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
      expect(problemFields(raise.body)).toEqual(['capacity']);
      const good = await request('PUT', '/api/agents/me/presence', { state: 'ready' }, token);
      const command = await testbed.router.waitForCommand((c) => c.commandId === good.body['commandId']);
      expect(command).toMatchObject({ type: 'presence', agentId: 'ada', capacity: 3 });
    });

    it('answers 400 naming the id when a route id is not a UUID', async () => {
      const token = await signIn('ada', 'correct horse');
      const response = await request('GET', '/api/interactions/not-a-uuid', undefined, token);
      expect(response.status).toBe(400);
      expect(problemFields(response.body)).toEqual(['id']);
    });

    it('answers 404 for an interaction nobody has heard of', async () => {
      const token = await signIn('ada', 'correct horse');
      expect((await request('GET', `/api/interactions/${newId()}`, undefined, token)).status).toBe(404);
    });
  });

  describe('an interaction from offer to done', () => {
    it('pushes the offer, opens the interaction on accept, posts the reply on X in reply to the customer, and completes', async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const message = customerTweets('dana_flies', '@PerchAir my bag never arrived in Lisbon, where is it?');
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });

        const offer = await socket.next('offer');
        expect(offer).toMatchObject({
          interactionId,
          offerId,
          snippet: '@PerchAir my bag never arrived in Lisbon, where is it?',
          sentiment: 'negative',
          actionability: 'actionable',
          receivedAt: message.receivedAt,
          author: { username: 'dana_flies', name: 'Dana', followersCount: 1234, profileUrl: 'https://x.com/dana_flies' },
        });
        expect(offer.author.tweetCount).toBeGreaterThanOrEqual(5678);

        const accepted = await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
        expect(accepted.status).toBe(202);
        const opened = await socket.next('interaction-accepted');
        expect(opened.interaction).toMatchObject({
          id: interactionId,
          state: 'active',
          agentId: 'ada',
          classification: { sentiment: 'negative', actionability: 'actionable' },
          firstMessage: { messageId: message.messageId, author: { username: 'dana_flies' } },
        });
        expect(opened.interaction.transcript).toEqual([expect.objectContaining({ kind: 'customer-message', messageId: message.messageId })]);

        await waitFor('the interaction active in the store', async () => (await testbed.store.get(interactionId))?.state === 'active');
        const view = await request('GET', `/api/interactions/${interactionId}`, undefined, token);
        expect(view.status).toBe(200);
        expect(view.body).toMatchObject({ id: interactionId, state: 'active' });
        const mine = await request('GET', '/api/interactions', undefined, token);
        expect((mine.body as unknown as { id: string }[]).map((v) => v.id)).toContain(interactionId);

        const tooLong = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'x'.repeat(300) }, token);
        expect(tooLong.status).toBe(400);
        expect(tooLong.body).toMatchObject({ code: 'too-long', details: { overBy: 32 } });
        expect(String(tooLong.body['message'])).toMatch(/too long by 32 characters/);
        expect(problemFields(tooLong.body)).toEqual(['text']);

        const empty = await request('POST', `/api/interactions/${interactionId}/replies`, { text: '   ' }, token);
        expect(empty).toMatchObject({ status: 400, body: { code: 'empty' } });

        const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'So sorry! It is on the next flight.' }, token);
        expect(reply.status).toBe(202);
        expect(reply.body).toMatchObject({ text: '@dana_flies So sorry! It is on the next flight.', inReplyToTweetId: message.messageId });

        const sent = await socket.next('action-sent');
        expect(sent.entry).toMatchObject({ commandId: reply.body['commandId'], status: 'sent' });
        const tweetId = sent.entry.tweetId;

        const posted = simulator.tweetsOf(BRAND.username);
        expect(posted).toHaveLength(1);
        expect(posted[0]).toMatchObject({
          id: tweetId,
          text: '@dana_flies So sorry! It is on the next flight.',
          inReplyToTweetId: message.messageId,
        });

        // No waiting: transcript entries are stored before they are pushed.
        const transcript = (await request('GET', `/api/interactions/${interactionId}`, undefined, token)).body['transcript'];
        expect(transcript).toEqual([
          expect.objectContaining({ kind: 'customer-message', messageId: message.messageId }),
          expect.objectContaining({ kind: 'agent-action', status: 'sent', tweetId, text: '@dana_flies So sorry! It is on the next flight.' }),
        ]);

        const done = await request('POST', `/api/interactions/${interactionId}/done`, { disposition: 'resolved', note: 'bag on LIS flight' }, token);
        expect(done.status).toBe(202);
        await testbed.router.waitForCommand((c) => c.type === 'complete' && c.interactionId === interactionId);
        expect(await socket.next('completed')).toEqual({ type: 'completed', interactionId });
      } finally {
        await socket.close();
      }
    });

    it("shows X's refusal of a reply with X's own reason", async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const message = customerTweets('sam_rides', '@PerchAir the app logs me out every time');
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
        await socket.next('offer', (o) => o.interactionId === interactionId);
        socket.send({ type: 'accept', interactionId, offerId, requestId: 'r1' });
        expect(await socket.next('ack')).toMatchObject({ requestId: 'r1', action: 'accept', interactionId });
        await socket.next('interaction-accepted');

        const text = 'Please update to the latest version.';
        expect((await request('POST', `/api/interactions/${interactionId}/replies`, { text }, token)).status).toBe(202);
        await socket.next('action-sent');
        // The same text again is duplicate content for X.
        expect((await request('POST', `/api/interactions/${interactionId}/replies`, { text }, token)).status).toBe(202);
        const failed = await socket.next('action-failed');
        expect(failed.entry).toMatchObject({ status: 'failed', failure: { code: 'x-duplicate-content', detail: DUPLICATE_CONTENT_DETAIL, httpStatus: 403 } });
      } finally {
        await socket.close();
      }
    });

    it("refuses another agent's interaction with 403", async () => {
      const adaToken = await signIn('ada', 'correct horse');
      const bobToken = await signIn('bob', 'battery staple');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, adaToken);
      try {
        const message = customerTweets('dana_flies', '@PerchAir is the lounge open in terminal 2?');
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
        await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, adaToken);
        await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
        await waitFor('the interaction active in the store', async () => (await testbed.store.get(interactionId))?.state === 'active');

        expect((await request('GET', `/api/interactions/${interactionId}`, undefined, bobToken)).status).toBe(403);
        const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'hi' }, bobToken);
        expect(reply).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
        expect((await request('POST', `/api/interactions/${interactionId}/done`, {}, bobToken)).status).toBe(403);
      } finally {
        await socket.close();
      }
    });

    it("pushes the customer's next tweet into the open conversation and answers that one", async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const first = customerTweets('dana_flies', '@PerchAir my seat was given away');
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: first, classification: CLASSIFICATION });
        await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
        await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);

        const tweet = simulator.createTweet({ authorUsername: 'dana_flies', text: '@PerchAir still waiting at gate 12', inReplyToTweetId: first.messageId });
        const next = { ...customerTweetsFrom(tweet), conversationKey: first.conversationKey };
        await testbed.router.addMessage(interactionId, 'ada', next, CLASSIFICATION);
        const added = await socket.next('message-added');
        expect(added).toMatchObject({ interactionId, entry: { kind: 'customer-message', messageId: tweet.id, text: '@PerchAir still waiting at gate 12' } });

        const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'An agent is on the way to gate 12.' }, token);
        expect(reply).toMatchObject({ status: 202, body: { inReplyToTweetId: tweet.id } });
        const sent = await socket.next('action-sent', (m) => m.entry.commandId === reply.body['commandId']);
        expect(simulator.tweetsOf(BRAND.username)[0]).toMatchObject({ id: sent.entry.tweetId, inReplyToTweetId: tweet.id });
      } finally {
        await socket.close();
      }
    });

    it('tells the agent when an offer is declined', async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const message = customerTweets('sam_rides', '@PerchAir can I bring my bike?');
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
        await socket.next('offer', (o) => o.interactionId === interactionId);
        expect((await request('POST', `/api/interactions/${interactionId}/decline`, { offerId }, token)).status).toBe(202);
        expect(await socket.next('offer-rescinded')).toMatchObject({ interactionId, reason: 'declined' });
      } finally {
        await socket.close();
      }
    });

    it('posts a command delivered twice only once', async () => {
      const message = customerTweets('dana_flies', '@PerchAir do you fly to Porto?');
      const before = simulator.tweetsOf(BRAND.username).length;
      const command: OutboundRequestedPayload = {
        commandId: newId(),
        kind: 'reply',
        brandAccountId: brandId,
        agentId: 'ada',
        interactionId: newId(),
        inReplyToTweetId: message.messageId,
        text: '@dana_flies Yes, three times a day.',
        requestedAt: Date.now(),
      };
      const completions: string[] = [];
      const handle = await testbed.bus.subscribe(Topics.OutboundCompleted, 'spec-observer', async (event) => {
        if (event.payload.commandId === command.commandId) completions.push(event.payload.tweetId ?? 'none');
      });
      try {
        await testbed.bus.publish(Topics.OutboundRequested, command, { correlationId: newId() });
        await testbed.bus.publish(Topics.OutboundRequested, command, { correlationId: newId() });
        await waitFor('two completions', async () => completions.length === 2);
        expect(simulator.tweetsOf(BRAND.username)).toHaveLength(before + 1);
        expect(completions[0]).toBe(completions[1]);
      } finally {
        await handle.stop();
      }
    });
  });

  describe('every other action on X', () => {
    /** Ada holds an open interaction with `username`'s tweet; returns its id and Ada's socket. */
    async function openWith(username: string, text: string): Promise<{ token: string; socket: AgentSocketProbe; interactionId: string }> {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      const message = customerTweets(username, text);
      const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
      await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      return { token, socket, interactionId };
    }

    it("shows the customer's profile as the brand sees it, and refuses a DM X would not deliver before sending it", async () => {
      simulator.createAccount({ username: 'lee_quiet', kind: 'customer', name: 'Lee', followersCount: 77, tweetCount: 3 });
      const { token, socket, interactionId } = await openWith('lee_quiet', '@PerchAir was my refund processed?');
      try {
        const profile = await request('GET', `/api/interactions/${interactionId}/customer`, undefined, token);
        expect(profile).toMatchObject({
          status: 200,
          body: { username: 'lee_quiet', name: 'Lee', followersCount: 77, profileUrl: 'https://x.com/lee_quiet', followsBrand: false, followedByBrand: false, canDm: false },
        });
        expect(profile.body['tweetCount']).toBeGreaterThanOrEqual(3);

        const dm = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'Could you send us your booking reference?' }, token);
        expect(dm).toMatchObject({ status: 409, body: { code: 'dm-not-allowed' } });
        expect(String(dm.body['message'])).toMatch(/@lee_quiet does not accept direct messages from @PerchAir/);
        expect(String(dm.body['message'])).toMatch(/reply publicly instead$/);
      } finally {
        await socket.close();
      }
    });

    it('refuses a DM to a customer who wrote one but does not follow the brand, and tells the agent what is left: a new post, another channel', async () => {
      simulator.createAccount({ username: 'noor_dms', kind: 'customer', name: 'Noor' });
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        // A DM conversation: no public tweet in it to answer.
        const tweet = customerTweets('noor_dms', 'Hi, can you check my booking?');
        const message: InboundMessage = { ...tweet, kind: 'dm', conversationKey: `${brandId}:dm:${tweet.author.id}` };
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
        await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
        await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);

        const dm = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'Could you send us your booking reference?' }, token);
        expect(dm).toMatchObject({ status: 409, body: { code: 'dm-not-allowed' } });
        expect(String(dm.body['message'])).toBe(
          '@noor_dms does not accept direct messages from @PerchAir (they do not follow it): mention @noor_dms in a new post, or reach them on another channel',
        );
        const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'On it' }, token);
        expect(reply).toMatchObject({ status: 409, body: { code: 'nothing-to-reply-to' } });
      } finally {
        await socket.close();
      }
    });

    it('follows and unfollows the customer from the brand, and the profile shows it at once', async () => {
      simulator.createAccount({ username: 'max_follow', kind: 'customer', name: 'Max' });
      const { token, socket, interactionId } = await openWith('max_follow', '@PerchAir any news on my claim?');
      try {
        expect((await request('GET', `/api/interactions/${interactionId}/customer`, undefined, token)).body['followedByBrand']).toBe(false);
        const follow = await request('POST', `/api/interactions/${interactionId}/follow`, undefined, token);
        expect(follow).toMatchObject({ status: 202, body: { kind: 'follow', participantId: simulator.account('max_follow').id } });
        const followed = await socket.next('action-sent', (m) => m.entry.commandId === follow.body['commandId']);
        expect(followed.entry).toMatchObject({ action: 'follow', status: 'sent', following: true });
        // The follow outcome drops the cached profile: the next read asks X again.
        expect((await request('GET', `/api/interactions/${interactionId}/customer`, undefined, token)).body['followedByBrand']).toBe(true);

        const unfollow = await request('POST', `/api/interactions/${interactionId}/unfollow`, undefined, token);
        await socket.next('action-sent', (m) => m.entry.commandId === unfollow.body['commandId']);
        expect((await request('GET', `/api/interactions/${interactionId}/customer`, undefined, token)).body['followedByBrand']).toBe(false);
        const transcript = (await request('GET', `/api/interactions/${interactionId}`, undefined, token)).body['transcript'] as { action?: string }[];
        expect(transcript.map((entry) => entry.action).filter(Boolean)).toEqual(['follow', 'unfollow']);
      } finally {
        await socket.close();
      }
    });

    it("sends a DM to a customer who follows the brand, and shows X's own refusal when they unfollowed since", async () => {
      simulator.createAccount({ username: 'kim_dms', kind: 'customer', name: 'Kim', followsBrand: [BRAND.username] });
      const { token, socket, interactionId } = await openWith('kim_dms', '@PerchAir can you check my booking?');
      try {
        const profile = await request('GET', `/api/interactions/${interactionId}/customer`, undefined, token);
        expect(profile.body).toMatchObject({ followsBrand: true, canDm: true });

        const empty = await request('POST', `/api/interactions/${interactionId}/dms`, { text: '  ' }, token);
        expect(empty).toMatchObject({ status: 400, body: { code: 'empty' } });
        const tooLong = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'd'.repeat(10_001) }, token);
        expect(tooLong).toMatchObject({ status: 400, body: { code: 'too-long', details: { overBy: 1 } } });

        const text = 'Your booking is confirmed for Friday, seat 14C. Anything else we can do?';
        const dm = await request('POST', `/api/interactions/${interactionId}/dms`, { text }, token);
        expect(dm).toMatchObject({ status: 202, body: { kind: 'dm', text, participantId: simulator.account('kim_dms').id } });
        const sent = await socket.next('action-sent', (m) => m.entry.commandId === dm.body['commandId']);
        expect(sent.entry).toMatchObject({ action: 'dm', status: 'sent' });
        expect(simulator.directMessages('kim_dms').filter((m) => m.senderUsername === BRAND.username)).toEqual([
          expect.objectContaining({ id: sent.entry.dmEventId, text }),
        ]);

        // Kim unfollows; the gateway's cached profile still says she can receive DMs, so X decides and refuses.
        simulator.unfollowAccount('kim_dms', BRAND.username);
        const refused = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'One more thing…' }, token);
        expect(refused.status).toBe(202);
        const failed = await socket.next('action-failed', (m) => m.entry.commandId === refused.body['commandId']);
        expect(failed.entry).toMatchObject({ action: 'dm', status: 'failed', failure: { code: 'x-dm-not-allowed', httpStatus: 403 } });
        // A fresh look at X shows why, and the next DM is refused before it is sent.
        expect((await request('GET', `/api/interactions/${interactionId}/customer?refresh=true`, undefined, token)).body['canDm']).toBe(false);
        expect((await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'Hello?' }, token)).status).toBe(409);
      } finally {
        await socket.close();
      }
    });

    it('tells the agent when X makes an action wait, and when it goes out after all', async () => {
      simulator.createAccount({ username: 'ola_waits', kind: 'customer', name: 'Ola' });
      const { token, socket, interactionId } = await openWith('ola_waits', '@PerchAir is my flight on time?');
      try {
        simulator.injectHttpFaults({ rules: [{ status: 503, count: 1, path: '/2/tweets', method: 'POST' }] });
        const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'It is on time!' }, token);
        const waiting = await socket.next('action-waiting', (m) => m.entry.commandId === reply.body['commandId']);
        expect(waiting.entry).toMatchObject({ status: 'waiting', failure: { code: 'x-unavailable' }, retryAt: expect.any(Number) });
        const sent = await socket.next('action-sent', (m) => m.entry.commandId === reply.body['commandId']);
        expect(sent.entry).toMatchObject({ status: 'sent', tweetId: expect.any(String) });
        const transcript = (await request('GET', `/api/interactions/${interactionId}`, undefined, token)).body['transcript'] as { status?: string }[];
        expect(transcript.map((e) => e.status).filter(Boolean)).toEqual(['sent']);
      } finally {
        simulator.clearHttpFaults();
        await socket.close();
      }
    });

    it('lists the brand accounts without their tokens and posts from the one the agent chose', async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const brands = await request('GET', '/api/brands', undefined, token);
        expect(brands).toEqual({ status: 200, body: [{ id: brandId, username: BRAND.username }] });

        const bad = await request('POST', '/api/posts', { brandAccountId: '42', text: '' }, token);
        expect(bad.status).toBe(400);
        expect(problemFields(bad.body)).toEqual(['brandAccountId']);
        const tooLong = await request('POST', '/api/posts', { brandAccountId: brandId, text: 'z'.repeat(281) }, token);
        expect(tooLong).toMatchObject({ status: 400, body: { code: 'too-long', details: { overBy: 1 } } });

        const text = `Flights to Lisbon are back on schedule (${newId().slice(0, 8)}).`;
        const post = await request('POST', '/api/posts', { brandAccountId: brandId, text }, token);
        expect(post).toMatchObject({ status: 202, body: { kind: 'post', text } });
        const sent = await socket.next('action-sent', (m) => m.entry.commandId === post.body['commandId']);
        expect(sent.interactionId).toBeUndefined();
        const onX = simulator.tweetsOf(BRAND.username).find((t) => t.id === sent.entry.tweetId);
        expect(onX).toMatchObject({ text });
        expect(onX?.inReplyToTweetId).toBeUndefined();
      } finally {
        await socket.close();
      }
    });
    it('refuses a post from a brand account the agent was not granted, and does not list it to them', async () => {
      const token = await signIn('bob', 'battery staple');
      const before = simulator.tweetsOf(BRAND.username).length;
      const published: unknown[] = [];
      const observer = await testbed.bus.subscribe(Topics.OutboundRequested, `brand-grant-${newId()}`, async (event) => {
        published.push(event);
      });
      try {
        expect(await request('GET', '/api/brands', undefined, token)).toEqual({ status: 200, body: [] });
        const post = await request('POST', '/api/posts', { brandAccountId: brandId, text: 'Not mine to say' }, token);
        expect(post).toMatchObject({ status: 403, body: { code: 'brand-not-allowed', message: expect.stringContaining(`@${BRAND.username}`) } });
        expect(await request('POST', '/api/posts', { brandAccountId: brandId, text: 'Not mine to say' })).toMatchObject({ status: 401 });
      } finally {
        await observer.stop();
      }
      expect(published).toEqual([]);
      expect(simulator.tweetsOf(BRAND.username)).toHaveLength(before);
    });
  });

  describe('classification corrections', () => {
    const corrections: EventEnvelope<ClassificationCorrectedPayload>[] = [];
    let observer: { stop(): Promise<void> } | undefined;

    beforeAll(async () => {
      observer = await testbed.bus.subscribe(Topics.ClassificationCorrected, 'spec-corrections-observer', async (event) => {
        corrections.push(event);
      });
    });

    afterAll(async () => {
      await observer?.stop();
    });

    async function published(correctionId: unknown): Promise<EventEnvelope<ClassificationCorrectedPayload>> {
      await waitFor('the correction event', async () => corrections.some((event) => event.payload.correctionId === correctionId));
      const event = corrections.find((e) => e.payload.correctionId === correctionId);
      if (!event) throw new Error('not published');
      return event;
    }

    /** Ada holds an open interaction with a customer's tweet, classified as CLASSIFICATION. */
    async function adaHolds(text: string): Promise<{ token: string; socket: AgentSocketProbe; interactionId: string; correlationId: string; message: InboundMessage }> {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      const message = customerTweets('dana_flies', text);
      const { interactionId, offerId, correlationId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
      await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      return { token, socket, interactionId, correlationId, message };
    }

    it('publishes the correction with the message and the model’s labels, shows it on the view and the socket, and keeps it as training data', async () => {
      const { token, socket, interactionId, correlationId, message } = await adaHolds('@PerchAir is the 9:40 to Porto on time?');
      try {
        const first = await request('PUT', `/api/interactions/${interactionId}/classification`, { sentiment: 'neutral', note: 'asking, not angry' }, token);
        expect(first.status).toBe(202);
        expect(Object.keys(first.body)).toEqual(['correctionId']);

        const event = await published(first.body['correctionId']);
        expect(event.correlationId).toBe(correlationId);
        expect(event.payload).toEqual({
          correctionId: first.body['correctionId'],
          interactionId,
          messageId: message.messageId,
          brandAccountId: brandId,
          agentId: 'ada',
          text: message.text,
          original: { sentiment: 'negative', sentimentScore: 0.91, actionability: 'actionable', actionabilityScore: 0.84, model: 'lexicon-baseline@1' },
          corrected: { sentiment: 'neutral' },
          note: 'asking, not angry',
          correctedAt: expect.any(Number),
        });

        const pushed = await socket.next('classification-corrected', (m) => m.interactionId === interactionId);
        expect(pushed.correction).toEqual({ sentiment: 'neutral', agentId: 'ada', at: event.payload.correctedAt, correctionId: first.body['correctionId'] });
        // No waiting: the correction is stored before it is pushed.
        const view = await request('GET', `/api/interactions/${interactionId}`, undefined, token);
        expect(view.body).toMatchObject({ classification: { sentiment: 'negative' }, classificationCorrection: { sentiment: 'neutral', agentId: 'ada' } });

        await waitFor('the first correction stored', async () => (await testbed.corrections.get(String(first.body['correctionId']))) !== null);
        expect(await testbed.corrections.get(String(first.body['correctionId']))).toEqual(event.payload);

        // A second correction of the other label: the view and the socket show both.
        const second = await request('PUT', `/api/interactions/${interactionId}/classification`, { actionability: 'not-actionable' }, token);
        expect(second.status).toBe(202);
        const both = await socket.next('classification-corrected', (m) => m.correction.correctionId === second.body['correctionId']);
        expect(both.correction).toMatchObject({ sentiment: 'neutral', actionability: 'not-actionable' });
        await waitFor('the second correction on the view', async () => (await testbed.store.get(interactionId))?.classificationCorrection?.correctionId === second.body['correctionId']);
        expect((await testbed.store.get(interactionId))?.classificationCorrection).toMatchObject({ sentiment: 'neutral', actionability: 'not-actionable' });
      } finally {
        await socket.close();
      }
    });

    it("corrects a later message of the conversation by its id, with that message's text and labels", async () => {
      const { token, socket, interactionId, message } = await adaHolds('@PerchAir my seat was given away');
      try {
        const tweet = simulator.createTweet({ authorUsername: 'dana_flies', text: '@PerchAir ok, thanks for sorting it!', inReplyToTweetId: message.messageId });
        const later = { ...customerTweetsFrom(tweet), conversationKey: message.conversationKey };
        await testbed.router.addMessage(interactionId, 'ada', later, { ...CLASSIFICATION, sentiment: 'negative', sentimentScore: 0.55, model: 'lexicon-baseline@2' });
        await socket.next('message-added', (m) => m.entry.messageId === later.messageId);

        const response = await request('PUT', `/api/interactions/${interactionId}/classification`, { messageId: later.messageId, sentiment: 'positive' }, token);
        expect(response.status).toBe(202);
        const event = await published(response.body['correctionId']);
        expect(event.payload).toMatchObject({
          messageId: later.messageId,
          text: '@PerchAir ok, thanks for sorting it!',
          original: { sentiment: 'negative', sentimentScore: 0.55, model: 'lexicon-baseline@2' },
          corrected: { sentiment: 'positive' },
        });
        await waitFor('the correction stored', async () => (await testbed.corrections.get(String(response.body['correctionId']))) !== null);
        // The view's labels are the first message's: a later message's correction leaves them alone.
        expect((await testbed.store.get(interactionId))?.classificationCorrection).toBeNull();
      } finally {
        await socket.close();
      }
    });

    it('answers 400 naming the bad fields: no label, an undeclared or unknown label, an unknown message, a long note, an unknown field', async () => {
      const { token, socket, interactionId } = await adaHolds('@PerchAir where do I check in for LIS?');
      try {
        const path = `/api/interactions/${interactionId}/classification`;
        const none = await request('PUT', path, { note: 'just a note' }, token);
        expect(none).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
        expect(problemFields(none.body)).toEqual(['actionability', 'sentiment']);
        expect(problemFields((await request('PUT', path, { sentiment: 'undeclared' }, token)).body)).toEqual(['sentiment']);
        expect(problemFields((await request('PUT', path, { sentiment: 'angry', actionability: 'undeclared', mood: 'x' }, token)).body)).toEqual([
          'actionability',
          'mood',
          'sentiment',
        ]);
        expect(problemFields((await request('PUT', path, { sentiment: 'neutral', note: 'n'.repeat(501) }, token)).body)).toEqual(['note']);
        const unknownMessage = await request('PUT', path, { sentiment: 'neutral', messageId: '123' }, token);
        expect(unknownMessage.status).toBe(400);
        expect(problemFields(unknownMessage.body)).toEqual(['messageId']);
        expect(problemFields((await request('PUT', '/api/interactions/not-a-uuid/classification', { sentiment: 'neutral' }, token)).body)).toEqual(['id']);
        expect((await testbed.store.get(interactionId))?.classificationCorrection).toBeNull();
      } finally {
        await socket.close();
      }
    });

    it("refuses another agent's interaction with 403 and an unknown one with 404", async () => {
      const { socket, interactionId } = await adaHolds('@PerchAir can I change my flight online?');
      try {
        const bobToken = await signIn('bob', 'battery staple');
        const path = `/api/interactions/${interactionId}/classification`;
        expect(await request('PUT', path, { sentiment: 'neutral' }, bobToken)).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
        expect((await request('PUT', `/api/interactions/${newId()}/classification`, { sentiment: 'neutral' }, bobToken)).status).toBe(404);
      } finally {
        await socket.close();
      }
    });

    it('answers 409 while the interaction has no classified message', async () => {
      const token = await signIn('ada', 'correct horse');
      const interactionId = newId();
      // The router's view of an interaction whose message has not reached the store: accepted, nothing classified.
      await testbed.router.assign({ interactionId, agentId: 'ada', conversationKey: `${brandId}:1`, brandAccountId: brandId });
      await waitFor('the interaction assigned to ada', async () => (await testbed.store.get(interactionId))?.agentId === 'ada');
      const response = await request('PUT', `/api/interactions/${interactionId}/classification`, { sentiment: 'neutral' }, token);
      expect(response).toMatchObject({ status: 409, body: { code: 'not-classified' } });
    });

    it('lets the agent who handled it correct a completed interaction, and nobody else', async () => {
      const { token, socket, interactionId } = await adaHolds('@PerchAir thanks, the refund arrived');
      try {
        await request('POST', `/api/interactions/${interactionId}/done`, {}, token);
        await socket.next('completed', (m) => m.interactionId === interactionId);
        await waitFor('the interaction completed in the store', async () => (await testbed.store.get(interactionId))?.state === 'completed');

        const response = await request('PUT', `/api/interactions/${interactionId}/classification`, { sentiment: 'positive', actionability: 'not-actionable' }, token);
        expect(response.status).toBe(202);
        const pushed = await socket.next('classification-corrected', (m) => m.interactionId === interactionId);
        expect(pushed.correction).toMatchObject({ sentiment: 'positive', actionability: 'not-actionable', correctionId: response.body['correctionId'] });
        expect(await testbed.store.get(interactionId)).toMatchObject({ state: 'completed', classificationCorrection: { sentiment: 'positive' } });

        const bobToken = await signIn('bob', 'battery staple');
        expect((await request('PUT', `/api/interactions/${interactionId}/classification`, { sentiment: 'neutral' }, bobToken)).status).toBe(403);
      } finally {
        await socket.close();
      }
    });
  });

  describe('WebSocket', () => {
    // Who may open a socket (no, bad, expired, revoked token; the token in the URL): ws/agent-socket-auth.spec.ts.

    it('answers a malformed decision with an error naming the fields, and ping with pong', async () => {
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('ada', 'correct horse'));
      try {
        socket.send({ type: 'accept', requestId: 'r9' });
        const error = await socket.next('error');
        expect(error).toMatchObject({ requestId: 'r9', code: 'validation-failed' });
        expect((error.problems ?? []).map((p) => p.field).sort()).toEqual(['interactionId', 'offerId']);
        socket.send({ type: 'ping' });
        expect(await socket.next('pong')).toEqual({ type: 'pong' });
      } finally {
        await socket.close();
      }
    });

    it('reports an agent offline when their last socket stays closed past the grace period', async () => {
      const graceful = await startGatewayTestbed({
        xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
        brands: [],
        agents: [{ id: 'cy', displayName: 'Cy', password: 'pw' }],
        options: { offlineGraceMs: 20 },
      });
      try {
        const { token } = graceful.agents.issueToken('cy');
        const socket = await AgentSocketProbe.connect(graceful.baseUrl, token);
        await socket.close();
        const offline = await graceful.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'cy');
        expect(offline).toMatchObject({ presence: 'offline', cause: 'disconnect' });
      } finally {
        await graceful.close();
      }
    });

    it('pushes to every socket of an agent', async () => {
      const token = await signIn('bob', 'battery staple');
      const first = await AgentSocketProbe.connect(testbed.baseUrl, token);
      const second = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const message = customerTweets('sam_rides', '@PerchAir two tabs, one offer');
        const { interactionId } = await testbed.router.offer({ agentId: 'bob', message, classification: CLASSIFICATION });
        expect((await first.next('offer')).interactionId).toBe(interactionId);
        expect((await second.next('offer')).interactionId).toBe(interactionId);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });

  describe('documents and files', () => {
    it('serves the OpenAPI document with the gateway endpoints on the internal listener only', async () => {
      for (const path of ['/api/docs', '/api/docs-json', '/metrics']) {
        const publicAnswer = await fetch(`${testbed.baseUrl}${path}`);
        await publicAnswer.arrayBuffer();
        expect({ path, status: publicAnswer.status }).toEqual({ path, status: 404 });
      }
      const ui = await fetch(`${testbed.internalUrl}/api/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      const response = await fetch(`${testbed.internalUrl}/api/docs-json`);
      expect(response.status).toBe(200);
      const paths = Object.keys(((await response.json()) as { paths: Record<string, unknown> }).paths);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/api/auth/sign-in',
          '/api/agents/me',
          '/api/agents/me/presence',
          '/api/interactions',
          '/api/interactions/{id}',
          '/api/interactions/{id}/accept',
          '/api/interactions/{id}/decline',
          '/api/interactions/{id}/replies',
          '/api/interactions/{id}/classification',
          '/api/interactions/{id}/done',
        ]),
      );
    });

    it('answers /health', async () => {
      expect(await request('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', replicaId: 'test-replica' } });
    });

    it('serves the desktop with a policy that forbids framing, inline script and foreign origins', async () => {
      const index = await fetch(`${testbed.baseUrl}/`);
      await index.text();
      const csp = index.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://${new URL(testbed.baseUrl).host}`);
      expect(index.headers.get('x-frame-options')).toBe('DENY');
      expect(index.headers.get('referrer-policy')).toBe('no-referrer');
      const apiError = await fetch(`${testbed.baseUrl}/api/agents/me`);
      await apiError.arrayBuffer();
      expect(apiError.status).toBe(401);
      expect(apiError.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(apiError.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it("serves the desktop's files and nothing else", async () => {
      const index = await fetch(`${testbed.baseUrl}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await index.text()).toContain('<title>Perch</title>');
      const script = await fetch(`${testbed.baseUrl}/app.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await fetch(`${testbed.baseUrl}/missing.js`)).status).toBe(404);
      expect((await fetch(`${testbed.baseUrl}/..%2Fpackage.json`)).status).toBe(404);
      expect((await fetch(`${testbed.baseUrl}/secret.env`)).status).toBe(404);
      // The single-page app: its bundles (content-hashed, cached for good), and the page at its own routes.
      const bundle = await fetch(`${testbed.baseUrl}/assets/index-Dm1b_yU-.js`);
      expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(bundle.headers.get('cache-control')).toContain('immutable');
      for (const route of ['/supervisor', '/supervisor/agents', '/admin/users/ada']) {
        const page = await fetch(`${testbed.baseUrl}${route}`);
        expect([route, page.status, await page.text()]).toEqual([route, 200, '<!doctype html><title>Perch</title>']);
      }
      expect((await fetch(`${testbed.baseUrl}/assets/..%2Fapp.js`)).status).toBe(404);
      expect((await fetch(`${testbed.baseUrl}/elsewhere`)).status).toBe(404);
    });
  });
});
