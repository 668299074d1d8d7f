import { type EventEnvelope, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';
import { newId } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

// Issue 10, "only the holder acts", through the whole module: REST and the socket, with the stand-in router's record
// as the authority (the router's store in production). Nothing here reaches X: the outbound worker is off.
describe('Only the holder acts, over HTTP and WebSocket', () => {
  let testbed: GatewayTestbed;
  let observer: ConsumerHandle;
  const requested: EventEnvelope<OutboundRequestedPayload>[] = [];
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'correct horse', brands: [PERCH_AIR.username] },
        { id: 'bob', displayName: 'Bob', password: 'battery staple', brands: [PERCH_AIR.username] },
      ],
      options: { run: { outboundWorker: false } },
    });
    observer = await testbed.bus.subscribe(Topics.OutboundRequested, 'holder-spec-observer', async (event) => {
      requested.push(event);
    });
  });

  afterAll(async () => {
    await observer?.stop();
    await testbed?.close();
  });

  function offerTo(agentId: string, expiresInMs?: number): Promise<{ interactionId: string; offerId: string }> {
    return testbed.router.offer({ agentId, message: customerTweet(), classification: CLASSIFICATION, ...(expiresInMs === undefined ? {} : { expiresInMs }) });
  }

  it('refuses a DM (and every other action) on an interaction only offered to the agent with 409 not-accepted, publishing nothing, until it is accepted', async () => {
    const token = await signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === interactionId);
      // The projection and the socket both say it is Ada's: only the router's record says it is not accepted yet.
      await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.agentId === 'ada');

      const dm = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'Could you send us your booking reference?' }, token);
      expect(dm).toMatchObject({ status: 409, body: { code: 'not-accepted', message: expect.stringContaining('accept the offer') } });
      const others = await Promise.all([
        request('POST', `/api/interactions/${interactionId}/replies`, { text: 'On it' }, token),
        request('POST', `/api/interactions/${interactionId}/replies`, { text: 'On it', replyAll: true }, token),
        request('POST', `/api/interactions/${interactionId}/follow`, undefined, token),
        request('POST', `/api/interactions/${interactionId}/unfollow`, undefined, token),
        request('PUT', `/api/interactions/${interactionId}/classification`, { sentiment: 'neutral' }, token),
        request('POST', `/api/interactions/${interactionId}/done`, {}, token),
      ]);
      expect(others.map((answer) => [answer.status, answer.body['code']])).toEqual(others.map(() => [409, 'not-accepted']));

      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      const accepted = await request('POST', `/api/interactions/${interactionId}/dms`, { text: 'Could you send us your booking reference?' }, token);
      expect(accepted.status).toBe(202);
      await waitFor('the accepted DM requested', async () => requested.some((e) => e.payload.commandId === accepted.body['commandId']));
      // Published in order on one topic: the accepted DM is there, the refused actions never were.
      expect(requested.filter((e) => e.payload.interactionId === interactionId).map((e) => e.payload.commandId)).toEqual([accepted.body['commandId']]);
      expect(testbed.router.commands.filter((c) => c.interactionId === interactionId).map((c) => c.type)).toEqual(['accept']);
    } finally {
      await socket.close();
    }
  });

  it("refuses an accept or a decline of another agent's offer with 403 not-your-offer, on REST and on the socket", async () => {
    const bobToken = await signIn('bob', 'battery staple');
    const bobSocket = await AgentSocketProbe.connect(testbed.baseUrl, bobToken);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      expect(await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, bobToken)).toMatchObject({
        status: 403,
        body: { code: 'not-your-offer' },
      });
      expect((await request('POST', `/api/interactions/${interactionId}/decline`, { offerId }, bobToken)).status).toBe(403);
      bobSocket.send({ type: 'accept', interactionId, offerId, requestId: 'steal' });
      expect(await bobSocket.next('error', (m) => m.requestId === 'steal')).toMatchObject({ code: 'not-your-offer', message: expect.stringContaining(offerId) });
      expect(testbed.router.commands.filter((c) => c.interactionId === interactionId)).toEqual([]);
      expect(await testbed.router.holderOf(interactionId)).toMatchObject({ state: 'offered', agentId: 'ada' });
    } finally {
      await bobSocket.close();
    }
  });

  it('refuses an accept of an expired offer, and of a declined one, with 409 and what became of it', async () => {
    const token = await signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const expired = await offerTo('ada', 0);
      expect(await request('POST', `/api/interactions/${expired.interactionId}/accept`, { offerId: expired.offerId }, token)).toMatchObject({
        status: 409,
        body: { code: 'offer-expired', message: expect.stringContaining('expired') },
      });

      const declined = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === declined.interactionId);
      expect((await request('POST', `/api/interactions/${declined.interactionId}/decline`, { offerId: declined.offerId }, token)).status).toBe(202);
      await socket.next('offer-rescinded', (m) => m.interactionId === declined.interactionId);
      expect(await request('POST', `/api/interactions/${declined.interactionId}/accept`, { offerId: declined.offerId }, token)).toMatchObject({
        status: 409,
        body: { code: 'offer-not-live', message: expect.stringContaining('back in the queue') },
      });
      socket.send({ type: 'accept', interactionId: declined.interactionId, offerId: declined.offerId, requestId: 'late' });
      expect(await socket.next('error', (m) => m.requestId === 'late')).toMatchObject({ code: 'offer-not-live' });
      expect((await request('POST', `/api/interactions/${newId()}/accept`, { offerId: newId() }, token)).status).toBe(404);
      expect(testbed.router.commands.filter((c) => c.type === 'accept' && [expired.interactionId, declined.interactionId].includes(c.interactionId ?? ''))).toEqual([]);
    } finally {
      await socket.close();
    }
  });

  it('records a decision refused on the socket in the audit log, with its code', async () => {
    const bobToken = await signIn('bob', 'battery staple');
    const bobSocket = await AgentSocketProbe.connect(testbed.baseUrl, bobToken);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      bobSocket.send({ type: 'decline', interactionId, offerId, requestId: 'r1' });
      await bobSocket.next('error', (m) => m.requestId === 'r1');
      await waitFor('the refusal audited', async () =>
        (await testbed.audit.query({ interactionId })).entries.some((e) => e.action === 'decline' && e.outcome === 'refused' && e.code === 'not-your-offer'),
      );
    } finally {
      await bobSocket.close();
    }
  });
});
