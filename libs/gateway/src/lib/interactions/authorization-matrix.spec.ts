import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR, PERCH_RAIL } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

// Issue 11: role × endpoint × own or other's interaction. Each agent endpoint that acts on (or reads) an interaction, called
// by its holder, by another agent, by a supervisor and by an admin (every one of them granted the brand): only the
// holder gets through. Then brand grants: the holder without the brand is refused replies, DMs, follows and posts.

interface Action {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  path: (interactionId: string) => string;
  body?: (interactionId: string) => unknown;
  /** What the holder gets (the action done, or accepted for the router / X). */
  holderStatus: number;
}

describe('who may act on an interaction: role × endpoint × own or other', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);
  const tokens: Record<string, string> = {};
  let responseId = '';

  const ACTIONS: Action[] = [
    { name: 'read the interaction', method: 'GET', path: (id) => `/api/interactions/${id}`, holderStatus: 200 },
    { name: 'reply', method: 'POST', path: (id) => `/api/interactions/${id}/replies`, body: () => ({ text: 'On it' }), holderStatus: 202 },
    { name: 'DM', method: 'POST', path: (id) => `/api/interactions/${id}/dms`, body: () => ({ text: 'Your booking reference, please?' }), holderStatus: 202 },
    { name: 'follow', method: 'POST', path: (id) => `/api/interactions/${id}/follow`, holderStatus: 202 },
    { name: 'unfollow', method: 'POST', path: (id) => `/api/interactions/${id}/unfollow`, holderStatus: 202 },
    { name: 'correct the classification', method: 'PUT', path: (id) => `/api/interactions/${id}/classification`, body: () => ({ sentiment: 'neutral' }), holderStatus: 202 },
    { name: 'consult a colleague', method: 'POST', path: (id) => `/api/interactions/${id}/consultations`, body: () => ({ withAgentId: 'rail', text: 'Seen this before?' }), holderStatus: 201 },
    { name: 'transfer to the queue', method: 'POST', path: (id) => `/api/interactions/${id}/transfer`, body: () => ({ toQueue: true, reason: 'needs billing' }), holderStatus: 202 },
    {
      name: 'render a standard response',
      method: 'POST',
      path: () => `/api/standard-responses/${responseId}/render`,
      body: (id) => ({ interactionId: id }),
      holderStatus: 200,
    },
    { name: 'post from the brand on the interaction', method: 'POST', path: () => '/api/posts', body: (id) => ({ brandAccountId: PERCH_AIR.id, text: 'An update for everyone', interactionId: id }), holderStatus: 202 },
    { name: 'mark done', method: 'POST', path: (id) => `/api/interactions/${id}/done`, body: () => ({ disposition: 'resolved', note: 'sorted' }), holderStatus: 202 },
  ];

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR, PERCH_RAIL],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'ada pw', brands: [PERCH_AIR.username] },
        { id: 'bob', displayName: 'Bob', password: 'bob pw', brands: [PERCH_AIR.username] },
        { id: 'carol', displayName: 'Carol', password: 'carol pw', role: 'supervisor', brands: [PERCH_AIR.username] },
        { id: 'dana', displayName: 'Dana', password: 'dana pw', role: 'admin', brands: ['*'] },
        { id: 'rail', displayName: 'Rail Only', password: 'rail pw', brands: [PERCH_RAIL.username] },
      ],
      options: { run: { outboundWorker: false }, consistencyWaitMs: 0 },
    });
    for (const id of ['ada', 'bob', 'carol', 'dana', 'rail']) tokens[id] = await signIn(id, `${id} pw`);
    const created = await request('POST', '/api/standard-responses', { title: 'Hello', text: 'Hi {{customer.handle}}', language: 'en', category: 'general' }, tokens['carol']);
    responseId = String(created.body['id']);
  });

  afterAll(async () => {
    await testbed?.close();
  });

  async function heldBy(agentId: string): Promise<string> {
    const { interactionId, offerId } = await testbed.router.offer({ agentId, message: customerTweet(), classification: CLASSIFICATION });
    await waitFor('the offer projected', async () => (await testbed.store.get(interactionId))?.agentId === agentId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, tokens[agentId])).status).toBe(202);
    await waitFor('the interaction assigned', async () => (await testbed.router.holderOf(interactionId))?.state === 'assigned');
    return interactionId;
  }

  function call(action: Action, interactionId: string, who: string): ReturnType<typeof request> {
    return request(action.method, action.path(interactionId), action.body?.(interactionId), tokens[who]);
  }

  it.each(ACTIONS.map((action) => [action.name, action] as const))('%s: the holder may', async (_name, action) => {
    const interactionId = await heldBy('ada');
    const answer = await call(action, interactionId, 'ada');
    expect([answer.status, answer.body['code']]).toEqual([action.holderStatus, undefined]);
  });

  it.each(ACTIONS.map((action) => [action.name, action] as const))("%s: another agent, a supervisor and an admin may not (403 not-your-interaction), nothing sent", async (_name, action) => {
    const interactionId = await heldBy('ada');
    const before = testbed.router.commands.length;
    for (const who of ['bob', 'carol', 'dana']) {
      const answer = await call(action, interactionId, who);
      expect([who, answer.status, answer.body['code']]).toEqual([who, 403, 'not-your-interaction']);
    }
    expect(testbed.router.commands.slice(before).filter((command) => command.interactionId === interactionId)).toEqual([]);
    expect((await testbed.store.get(interactionId))?.transcript.filter((entry) => entry.kind === 'agent-action')).toEqual([]);
  });

  describe('brand grants', () => {
    it("refuses the holder's reply, DM, follow and post as a brand they are not granted (403 brand-not-allowed), recording nothing", async () => {
      const interactionId = await heldBy('rail');
      for (const action of ACTIONS.filter((a) => ['reply', 'DM', 'follow', 'unfollow', 'post from the brand on the interaction'].includes(a.name))) {
        const answer = await call(action, interactionId, 'rail');
        expect([action.name, answer.status, answer.body['code']]).toEqual([action.name, 403, 'brand-not-allowed']);
      }
      expect((await testbed.store.get(interactionId))?.transcript.filter((entry) => entry.kind === 'agent-action')).toEqual([]);
    });

    it('refuses a new post from a brand not granted, and allows one granted', async () => {
      expect(await request('POST', '/api/posts', { brandAccountId: PERCH_RAIL.id, text: 'Trains run on time today' }, tokens['ada'])).toMatchObject({
        status: 403,
        body: { code: 'brand-not-allowed' },
      });
      expect((await request('POST', '/api/posts', { brandAccountId: PERCH_RAIL.id, text: 'Trains run on time today' }, tokens['rail'])).status).toBe(202);
    });
  });
});
