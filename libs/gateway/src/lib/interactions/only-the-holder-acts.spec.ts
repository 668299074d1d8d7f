import { type EventEnvelope, type OutboundRequestedPayload, Topics, type VoiceConsultationPayload } from '@perch/contracts';
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
        { id: 'bob', displayName: 'Bob', password: 'battery staple', capacity: 1, brands: [PERCH_AIR.username] },
        { id: 'cleo', displayName: 'Cleo', password: 'cleo pw', brands: [PERCH_AIR.username] },
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

  it('lets only the holder transfer to the queue: 400 naming bad fields, 409 when only offered, 403 for another agent, 202 and a push for the holder', async () => {
    const token = await signIn('ada', 'correct horse');
    const bobToken = await signIn('bob', 'battery staple');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === interactionId);
      const path = `/api/interactions/${interactionId}/transfer`;
      const bad = await request('POST', path, { toQueue: false, reason: '' }, token);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/toQueue/);
      expect(JSON.stringify(bad.body)).toMatch(/reason/);
      expect(await request('POST', path, { toQueue: true, reason: 'billing' }, token)).toMatchObject({ status: 409, body: { code: 'not-accepted' } });

      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      expect(await request('POST', path, { toQueue: true, reason: 'billing' }, bobToken)).toMatchObject({ status: 403 });
      // Nor to a named agent (even himself): the holder check comes before any target check.
      expect(await request('POST', path, { toAgentId: 'bob', reason: 'mine now' }, bobToken)).toMatchObject({ status: 403 });
      expect(await request('POST', path, { toAgentId: 'cleo', reason: 'hers now' }, bobToken)).toMatchObject({ status: 403 });
      expect((await request('POST', path, { toQueue: true, reason: 'needs billing' }, token)).status).toBe(202);
      expect(await socket.next('transferred', (m) => m.interactionId === interactionId)).toMatchObject({ reason: 'needs billing' });
      expect(testbed.router.commands.filter((c) => c.interactionId === interactionId).map((c) => [c.type, c.agentId])).toEqual([
        ['accept', 'ada'],
        ['transfer', 'ada'],
      ]);
      await waitFor('the transfer audited', async () =>
        (await testbed.audit.query({ interactionId })).entries.some((e) => e.action === 'transfer' && e.outcome === 'succeeded'),
      );
      await waitFor('the view queued again', async () => (await testbed.store.get(interactionId))?.state === 'queued');
    } finally {
      await socket.close();
    }
  });

  it('transfers to a named agent: 409 with the reason for oneself, unknown, offline, pending or full; an offer marked as a transfer; back on decline; moved on accept', async () => {
    const token = await signIn('ada', 'correct horse');
    const bobToken = await signIn('bob', 'battery staple');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    const bobSocket = await AgentSocketProbe.connect(testbed.baseUrl, bobToken);
    try {
      expect((await request('PUT', '/api/agents/me/presence', { state: 'ready' }, bobToken)).status).toBe(202);
      await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === 'bob');
      const roster = await request('GET', '/api/agents/roster', undefined, token);
      expect(roster.status).toBe(200);
      expect(roster.body).toEqual(expect.arrayContaining([{ id: 'bob', name: 'Bob', state: 'ready' }, { id: 'cleo', name: 'Cleo', state: 'offline' }]));
      expect(JSON.stringify(roster.body)).not.toContain('"ada"');

      const { interactionId, offerId } = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === interactionId);
      // Ada's offer is hers alone: not on bob's socket, not in bob's pending offers.
      const bobOffers = await request('GET', '/api/agents/me/offers', undefined, bobToken);
      expect(bobOffers.status).toBe(200);
      expect(JSON.stringify(bobOffers.body)).not.toContain(interactionId);
      expect(bobSocket.messages.filter((m) => m.type === 'offer' && m.interactionId === interactionId)).toEqual([]);
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      const path = `/api/interactions/${interactionId}/transfer`;
      const refused = await Promise.all(
        ['ada', 'ghost', 'cleo'].map((toAgentId) => request('POST', path, { toAgentId, reason: 'billing' }, token)),
      );
      expect(refused.map((r) => [r.status, r.body['code']])).toEqual([
        [409, 'transfer-to-self'],
        [409, 'unknown-agent'],
        [409, 'agent-offline'],
      ]);
      const both = await request('POST', path, { toQueue: true, toAgentId: 'bob', reason: 'billing' }, token);
      expect(both.status).toBe(400);
      expect(JSON.stringify(both.body)).toMatch(/toQueue/);
      expect(testbed.router.commands.filter((c) => c.type === 'transfer' && c.interactionId === interactionId)).toEqual([]);

      expect((await request('POST', path, { toAgentId: 'bob', reason: 'billing question' }, token)).status).toBe(202);
      const first = await bobSocket.next('offer', (m) => m.interactionId === interactionId);
      expect(first.transfer).toEqual({ fromAgentId: 'ada', reason: 'billing question' });
      // The transfer offer is bob's: ada's socket hears only its status.
      expect(socket.messages.filter((m) => m.type === 'offer' && m.offerId === first.offerId)).toEqual([]);
      expect(await socket.next('transfer-update', (m) => m.interactionId === interactionId)).toMatchObject({ status: 'offered', toAgentId: 'bob' });
      expect(await request('POST', path, { toAgentId: 'bob', reason: 'again' }, token)).toMatchObject({ status: 409, body: { code: 'transfer-pending' } });
      // Only bob decides bob's transfer offer; ada still holds the interaction meanwhile.
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: first.offerId }, token)).status).toBe(403);
      expect((await request('POST', `/api/interactions/${interactionId}/decline`, { offerId: first.offerId }, bobToken)).status).toBe(202);
      await bobSocket.next('offer-rescinded', (m) => m.interactionId === interactionId);
      expect(await socket.next('transfer-update', (m) => m.interactionId === interactionId && m.status === 'declined')).toMatchObject({ toAgentId: 'bob' });
      expect(await testbed.router.holderOf(interactionId)).toMatchObject({ state: 'assigned', agentId: 'ada' });

      expect((await request('POST', path, { toAgentId: 'bob', reason: 'billing, take two' }, token)).status).toBe(202);
      const second = await bobSocket.next('offer', (m) => m.interactionId === interactionId && m.offerId !== first.offerId);
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: second.offerId }, bobToken)).status).toBe(202);
      expect(await bobSocket.next('interaction-accepted', (m) => m.interaction.id === interactionId)).toMatchObject({ interaction: { agentId: 'bob' } });
      expect(await socket.next('transferred', (m) => m.interactionId === interactionId)).toMatchObject({ toAgentId: 'bob' });
      // Bob (capacity 1) is full now: a transfer of ada's next interaction to him is refused with the reason.
      const next = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === next.interactionId);
      expect((await request('POST', `/api/interactions/${next.interactionId}/accept`, { offerId: next.offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === next.interactionId);
      expect(await request('POST', `/api/interactions/${next.interactionId}/transfer`, { toAgentId: 'bob', reason: 'x' }, token)).toMatchObject({
        status: 409,
        body: { code: 'agent-at-capacity' },
      });
      await waitFor('the transfers audited', async () =>
        (await testbed.audit.query({ interactionId })).entries.filter((e) => e.action === 'transfer' && e.outcome === 'refused').length >= 4,
      );
    } finally {
      await socket.close();
      await bobSocket.close();
    }
  });

  it('keeps a consultation between the holder and a colleague in the transcript (agents only), pushes it to both, and publishes a voice one', async () => {
    const voice: EventEnvelope<VoiceConsultationPayload>[] = [];
    const voiceObserver = await testbed.bus.subscribe(Topics.VoiceConsultation, 'holder-spec-voice', async (event) => {
      voice.push(event);
    });
    const token = await signIn('ada', 'correct horse');
    const bobToken = await signIn('bob', 'battery staple');
    const cleoToken = await signIn('cleo', 'cleo pw');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    const bobSocket = await AgentSocketProbe.connect(testbed.baseUrl, bobToken);
    const cleoSocket = await AgentSocketProbe.connect(testbed.baseUrl, cleoToken);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === interactionId);
      const path = `/api/interactions/${interactionId}/consultations`;
      await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.agentId === 'ada');
      expect(await request('POST', path, { withAgentId: 'bob', text: 'refund?' }, token)).toMatchObject({ status: 409, body: { code: 'not-accepted' } });
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);

      const bad = await request('POST', path, { text: '' }, token);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/withAgentId/);
      expect(JSON.stringify(bad.body)).toMatch(/text/);
      expect(await request('POST', path, { withAgentId: 'ada', text: 'hm' }, token)).toMatchObject({ status: 409, body: { code: 'consult-self' } });
      expect(await request('POST', path, { withAgentId: 'ghost', text: 'hm' }, token)).toMatchObject({ status: 409, body: { code: 'unknown-agent' } });
      expect((await request('POST', path, { withAgentId: 'ada', text: 'let me in' }, cleoToken)).status).toBe(403);
      // Cleo neither holds it nor was consulted: refused whoever she names, voice or not, and nothing published.
      expect((await request('POST', path, { withAgentId: 'bob', text: 'psst', voice: true }, cleoToken)).status).toBe(403);

      const asked = await request('POST', path, { withAgentId: 'bob', text: 'Is a refund possible under 3 hours?' }, token);
      expect(asked).toMatchObject({ status: 201, body: { kind: 'consultation', fromAgentId: 'ada', withAgentId: 'bob' } });
      expect(await bobSocket.next('consultation-added', (m) => m.interactionId === interactionId)).toMatchObject({ entry: { text: 'Is a refund possible under 3 hours?' } });
      await socket.next('consultation-added', (m) => m.interactionId === interactionId);
      const answered = await request('POST', path, { withAgentId: 'ada', text: 'Yes, a voucher' }, bobToken);
      expect(answered).toMatchObject({ status: 201, body: { fromAgentId: 'bob', withAgentId: 'ada' } });
      await socket.next('consultation-added', (m) => m.entry.fromAgentId === 'bob');
      expect((await request('POST', path, { withAgentId: 'bob', text: 'the voucher rules', voice: true }, token)).status).toBe(201);
      await waitFor('the voice consultation published', async () => voice.some((e) => e.payload.interactionId === interactionId));
      expect(voice.find((e) => e.payload.interactionId === interactionId)?.payload).toMatchObject({ fromAgentId: 'ada', withAgentId: 'bob', topic: 'the voucher rules' });

      const transcript = (await testbed.store.get(interactionId))?.transcript ?? [];
      expect(transcript.filter((e) => e.kind === 'consultation').map((e) => (e.kind === 'consultation' ? [e.fromAgentId, e.text] : []))).toEqual([
        ['ada', 'Is a refund possible under 3 hours?'],
        ['bob', 'Yes, a voucher'],
        ['ada', 'the voucher rules'],
      ]);
      // Never sent to X.
      expect(requested.filter((e) => e.payload.interactionId === interactionId)).toEqual([]);
      // Only the voice consultation ada asked for was published; cleo's socket never saw ada and bob's consultation.
      expect(voice.filter((e) => e.payload.interactionId === interactionId).map((e) => e.payload.fromAgentId)).toEqual(['ada']);
      expect(cleoSocket.messages.filter((m) => m.type === 'consultation-added')).toEqual([]);
      await waitFor('the consultations audited', async () =>
        (await testbed.audit.query({ interactionId })).entries.filter((e) => e.action === 'consultation' && e.outcome === 'succeeded').length === 3,
      );
    } finally {
      await voiceObserver.stop();
      await socket.close();
      await bobSocket.close();
      await cleoSocket.close();
    }
  });

  it('lets a consulted colleague answer only while the agent who consulted them still holds the interaction (the router, not the projection)', async () => {
    const token = await signIn('ada', 'correct horse');
    const cleoToken = await signIn('cleo', 'cleo pw');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    try {
      const { interactionId, offerId } = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === interactionId);
      expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
      const path = `/api/interactions/${interactionId}/consultations`;
      expect((await request('POST', path, { withAgentId: 'cleo', text: 'refund?' }, token)).status).toBe(201);
      await socket.next('consultation-added', (m) => m.interactionId === interactionId);

      expect((await request('POST', `/api/interactions/${interactionId}/transfer`, { toQueue: true, reason: 'billing' }, token)).status).toBe(202);
      await waitFor('the router queued it again', async () => (await testbed.router.holderOf(interactionId))?.state === 'queued');
      // Ada no longer holds it: cleo's answer would write to an interaction nobody she may talk to holds.
      expect((await request('POST', path, { withAgentId: 'ada', text: 'late answer', voice: true }, cleoToken)).status).toBe(403);
      const transcript = (await testbed.store.get(interactionId))?.transcript ?? [];
      expect(transcript.filter((e) => e.kind === 'consultation').map((e) => (e.kind === 'consultation' ? e.fromAgentId : ''))).toEqual(['ada']);
      expect(socket.messages.filter((m) => m.type === 'consultation-added' && m.entry.fromAgentId === 'cleo')).toEqual([]);

      // Nor once ada has finished it (the completed view still names her).
      const next = await offerTo('ada');
      await socket.next('offer', (m) => m.interactionId === next.interactionId);
      expect((await request('POST', `/api/interactions/${next.interactionId}/accept`, { offerId: next.offerId }, token)).status).toBe(202);
      await socket.next('interaction-accepted', (m) => m.interaction.id === next.interactionId);
      const nextPath = `/api/interactions/${next.interactionId}/consultations`;
      expect((await request('POST', nextPath, { withAgentId: 'cleo', text: 'refund?' }, token)).status).toBe(201);
      expect((await request('POST', `/api/interactions/${next.interactionId}/done`, { disposition: 'resolved' }, token)).status).toBe(202);
      await waitFor('the view completed', async () => (await testbed.store.get(next.interactionId))?.state === 'completed');
      expect(await request('POST', nextPath, { withAgentId: 'ada', text: 'after the fact' }, cleoToken)).toMatchObject({ status: 409, body: { code: 'interaction-completed' } });
      const nextTranscript = (await testbed.store.get(next.interactionId))?.transcript ?? [];
      expect(nextTranscript.filter((e) => e.kind === 'consultation' && e.fromAgentId === 'cleo')).toEqual([]);
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
