import { type AuditEntry, type AuditQuery } from '@perch/audit';
import { type Classification } from '@perch/contracts';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, inboundMessageOfTweet, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION as UNIT_CLASSIFICATION } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

const BRAND = { username: 'PerchAir', token: 'perchair-user-token' };
const CLASSIFICATION: Classification = { ...UNIT_CLASSIFICATION, sentimentFeatures: [] };

describe('The gateway’s audit trail', () => {
  let simulator: XSimulator;
  let testbed: GatewayTestbed;
  let brandId: string;

  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  async function entries(query: AuditQuery): Promise<AuditEntry[]> {
    return (await testbed.audit.query({ ...query, limit: 1000 })).entries;
  }

  async function activeInteraction(token: string): Promise<string> {
    const tweet = simulator.createTweet({ authorUsername: 'dana_flies', text: `@${BRAND.username} where is my bag ${Date.now()}` });
    const message = inboundMessageOfTweet(simulator, { id: brandId, username: BRAND.username }, tweet);
    const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
    await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.state === 'offered');
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
    await waitFor('the accepted interaction', async () => (await testbed.store.get(interactionId))?.state === 'active');
    return interactionId;
  }

  beforeAll(async () => {
    simulator = new XSimulator({ seed: { brands: [BRAND] }, rateLimits: 'unlimited' });
    const { baseUrl } = await simulator.start(0);
    brandId = simulator.account(BRAND.username).id;
    simulator.createAccount({ username: 'dana_flies', kind: 'customer', name: 'Dana', followersCount: 10, tweetCount: 10 });
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: baseUrl }),
      brands: [{ id: brandId, username: BRAND.username, token: BRAND.token }],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'correct horse', brands: [BRAND.username] },
        { id: 'bob', displayName: 'Bob', password: 'battery staple' },
        { id: 'sue', displayName: 'Sue', password: 'supervise me', role: 'supervisor' },
        { id: 'root', displayName: 'Root', password: 'admin of all', role: 'admin' },
      ],
    });
  });

  afterAll(async () => {
    await testbed?.close();
    await simulator?.stop();
  });

  describe('sign-in', () => {
    it('records a successful sign-in by the agent, with the client address, and never the password or token', async () => {
      await signIn('bob', 'battery staple');
      const [entry] = await entries({ actor: 'bob', action: 'sign-in' });
      expect(entry).toMatchObject({ actor: { kind: 'agent', id: 'bob', role: 'agent' }, action: 'sign-in', outcome: 'succeeded' });
      expect(entry?.address).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(entry)).not.toMatch(/battery staple|token/);
    });

    it('records a refused sign-in under the username tried, with the refusal code', async () => {
      expect((await request('POST', '/api/auth/sign-in', { username: 'mallory', password: 'guess' })).status).toBe(401);
      const [entry] = await entries({ actor: 'mallory' });
      expect(entry).toMatchObject({ actor: { kind: 'anonymous', id: 'mallory' }, action: 'sign-in', outcome: 'refused', code: 'bad-credentials' });
      expect(entry?.details).toEqual({ status: 401 });
    });

    it('records a sign-out', async () => {
      const token = await signIn('bob', 'battery staple');
      expect((await request('POST', '/api/auth/sign-out', undefined, token)).status).toBe(204);
      expect(await entries({ actor: 'bob', action: 'sign-out' })).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
    });
  });

  describe('agents’ actions', () => {
    it('records an action refused before it reached the route: no token (401), with the interaction it aimed at', async () => {
      const interactionId = '00000000-0000-4000-8000-00000000a001';
      expect((await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'hi' })).status).toBe(401);
      expect(await entries({ interactionId })).toEqual([
        expect.objectContaining({ actor: { kind: 'anonymous' }, action: 'reply', outcome: 'refused', code: 'missing-token', details: { text: 'hi', status: 401 } }),
      ]);
    });

    it('records accept, reply and done with the agent, the interaction, the command, and the disposition and note', async () => {
      const token = await signIn('ada', 'correct horse');
      const interactionId = await activeInteraction(token);
      const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'We are on it' }, token);
      expect(reply.status).toBe(202);
      const done = await request('POST', `/api/interactions/${interactionId}/done`, { disposition: 'resolved', note: 'bag on LIS flight' }, token);
      expect(done.status).toBe(202);
      const mine = await entries({ interactionId, actor: 'ada' });
      expect(mine.filter((entry) => entry.action !== 'x-effect').map((entry) => [entry.action, entry.outcome])).toEqual([
        ['accept', 'succeeded'],
        ['reply', 'succeeded'],
        ['done', 'succeeded'],
      ]);
      expect(mine.find((entry) => entry.action === 'reply')).toMatchObject({
        actor: { kind: 'agent', id: 'ada', role: 'agent' },
        details: { text: 'We are on it', commandId: reply.body['commandId'] },
      });
      expect(mine.find((entry) => entry.action === 'done')?.details).toEqual({
        disposition: 'resolved',
        note: 'bag on LIS flight',
        commandId: done.body['commandId'],
      });

      // X's answer to the reply, by the agent who asked, and the router's decisions, disposition and note included.
      await waitFor('the reply’s effect on X', async () => (await entries({ interactionId, action: 'x-effect' })).length === 1);
      const [effect] = await entries({ interactionId, action: 'x-effect' });
      expect(effect).toMatchObject({
        actor: { kind: 'agent', id: 'ada' },
        brandAccountId: brandId,
        outcome: 'succeeded',
        code: 'reply',
        details: { kind: 'reply', commandId: reply.body['commandId'], status: 'sent', tweetId: expect.any(String) },
      });
      await waitFor('offered, accepted, completed', async () => (await entries({ interactionId, action: 'routing' })).length === 3);
      const decisions = await entries({ interactionId, action: 'routing' });
      expect(decisions.map((entry) => entry.code)).toEqual(['offered', 'accepted', 'completed']);
      expect(decisions[2]).toMatchObject({
        actor: { kind: 'system', id: 'router' },
        details: { agentId: 'ada', disposition: 'resolved', note: 'bag on LIS flight' },
      });
      // …and kept with the interaction, on its view.
      await waitFor('the completion on the view', async () => (await testbed.store.get(interactionId))?.completion != null);
      const view = await request('GET', `/api/interactions/${interactionId}`, undefined, token);
      expect(view.body['completion']).toEqual({ agentId: 'ada', at: expect.any(Number), disposition: 'resolved', note: 'bag on LIS flight' });
    });

    it('records an offer accepted on the socket, as the desktop does, like one accepted over REST', async () => {
      const token = await signIn('ada', 'correct horse');
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
      try {
        const tweet = simulator.createTweet({ authorUsername: 'dana_flies', text: `@${BRAND.username} socket ${Date.now()}` });
        const message = inboundMessageOfTweet(simulator, { id: brandId, username: BRAND.username }, tweet);
        const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message, classification: CLASSIFICATION });
        await socket.next('offer', (offer) => offer.interactionId === interactionId);
        socket.send({ type: 'accept', interactionId, offerId, requestId: 'r-1' });
        const ack = await socket.next('ack', (m) => m.requestId === 'r-1');
        const [entry] = await entries({ interactionId, action: 'accept' });
        expect(entry).toMatchObject({
          actor: { kind: 'agent', id: 'ada' },
          outcome: 'succeeded',
          interactionId,
          details: { offerId, via: 'socket', commandId: ack.commandId },
        });
      } finally {
        await socket.close();
      }
    });

    it('records a refusal by the route itself: another agent’s interaction is 403 not-your-interaction', async () => {
      const adaToken = await signIn('ada', 'correct horse');
      const interactionId = await activeInteraction(adaToken);
      const bobToken = await signIn('bob', 'battery staple');
      expect((await request('POST', `/api/interactions/${interactionId}/done`, { note: 'not mine' }, bobToken)).status).toBe(403);
      expect(await entries({ interactionId, actor: 'bob' })).toEqual([
        expect.objectContaining({ action: 'done', outcome: 'refused', code: 'not-your-interaction', details: { note: 'not mine', status: 403 } }),
      ]);
    });

    it('records who posted from a brand account, and what X made of the post', async () => {
      const token = await signIn('ada', 'correct horse');
      const post = await request('POST', '/api/posts', { brandAccountId: brandId, text: 'Flights resume at 6' }, token);
      expect(post.status).toBe(202);
      const [posted] = await entries({ actor: 'ada', action: 'post' });
      expect(posted).toMatchObject({ brandAccountId: brandId, outcome: 'succeeded', details: { text: 'Flights resume at 6', commandId: post.body['commandId'] } });
      await waitFor(
        'the post’s effect on X',
        async () => (await entries({ action: 'x-effect' })).some((entry) => entry.details['commandId'] === post.body['commandId']),
      );
      const effect = (await entries({ action: 'x-effect' })).find((entry) => entry.details['commandId'] === post.body['commandId']);
      expect(effect).toMatchObject({ actor: { kind: 'agent', id: 'ada' }, brandAccountId: brandId, code: 'post', details: { tweetId: expect.any(String) } });

      const bobToken = await signIn('bob', 'battery staple');
      expect((await request('POST', '/api/posts', { brandAccountId: brandId, text: 'Not mine to say' }, bobToken)).status).toBe(403);
      expect(await entries({ actor: 'bob', action: 'post' })).toEqual([expect.objectContaining({ outcome: 'refused', code: 'brand-not-allowed', brandAccountId: brandId })]);
    });
  });

  describe('GET /api/admin/audit and /api/admin/audit/export', () => {
    it('answers 401 without a token and 403 to agents and supervisors, and records each refusal', async () => {
      expect(await request('GET', '/api/admin/audit')).toMatchObject({ status: 401, body: { code: 'missing-token' } });
      for (const [username, password] of [
        ['bob', 'battery staple'],
        ['sue', 'supervise me'],
      ] as const) {
        const token = await signIn(username, password);
        expect(await request('GET', '/api/admin/audit', undefined, token)).toMatchObject({ status: 403, body: { code: 'role-required' } });
        const exported = await fetch(`${testbed.baseUrl}/api/admin/audit/export`, { headers: { authorization: `Bearer ${token}` } });
        expect(exported.status).toBe(403);
        expect((await entries({ actor: username, action: 'audit-read' })).map((entry) => [entry.outcome, entry.code])).toEqual([['refused', 'role-required']]);
      }
    });

    it('gives an admin the log filtered and paged, most recent first, and records the reading', async () => {
      const token = await signIn('root', 'admin of all');
      await request('POST', '/api/auth/sign-in', { username: 'paging-probe', password: 'x' });
      await request('POST', '/api/auth/sign-in', { username: 'paging-probe', password: 'y' });
      await request('POST', '/api/auth/sign-in', { username: 'paging-probe', password: 'z' });
      const first = await request('GET', '/api/admin/audit?actor=paging-probe&action=sign-in&limit=2', undefined, token);
      expect(first.status).toBe(200);
      const firstEntries = first.body['entries'] as AuditEntry[];
      expect(firstEntries).toHaveLength(2);
      expect(Date.parse(firstEntries[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(firstEntries[1]?.at ?? ''));
      expect(typeof first.body['nextCursor']).toBe('string');
      const second = await request('GET', `/api/admin/audit?actor=paging-probe&action=sign-in&limit=2&cursor=${String(first.body['nextCursor'])}`, undefined, token);
      expect((second.body['entries'] as AuditEntry[]).map((entry) => entry.id)).not.toContain(firstEntries[0]?.id);
      expect(second.body).toMatchObject({ entries: [expect.objectContaining({ actor: { kind: 'anonymous', id: 'paging-probe' } })], nextCursor: null });

      expect(await request('GET', '/api/admin/audit?action=drop-table&limit=0', undefined, token)).toMatchObject({ status: 400 });
      expect((await entries({ actor: 'root', action: 'audit-read' })).map((entry) => entry.outcome)).toEqual(['succeeded', 'succeeded', 'refused']);
      expect((await entries({ actor: 'root', action: 'audit-read' }))[0]?.details).toMatchObject({ actor: 'paging-probe', action: 'sign-in' });
    });

    it('streams the whole log, or what the filters keep, as JSON lines oldest first', async () => {
      const token = await signIn('root', 'admin of all');
      const response = await fetch(`${testbed.baseUrl}/api/admin/audit/export?action=sign-in`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const lines = (await response.text()).split('\n');
      expect(lines.pop()).toBe('');
      const exported = lines.map((line) => JSON.parse(line) as AuditEntry);
      expect(exported.map((entry) => entry.id)).toEqual((await testbed.audit.query({ action: 'sign-in', limit: 1000 })).entries.map((entry) => entry.id));
      expect(exported.every((entry) => entry.action === 'sign-in')).toBe(true);
      expect(exported.length).toBeGreaterThan(3);
      await waitFor('the export in the log', async () => (await entries({ actor: 'root', action: 'audit-export' })).length === 1);
    });
  });
});
