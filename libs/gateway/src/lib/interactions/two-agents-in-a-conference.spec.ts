import { type EventEnvelope, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { type OfferMessage } from '../ws/ws-messages.types';

// Issue 10 item 7, conference (ADR 0018), through the whole module: REST and the socket, with the stand-in router's
// record as the authority (the router's store in production). Nothing reaches X: the outbound worker is off.
describe('Two agents in a conference, over HTTP and WebSocket', () => {
  let testbed: GatewayTestbed;
  let observer: ConsumerHandle;
  const requested: EventEnvelope<OutboundRequestedPayload>[] = [];
  const { request, signIn } = testbedClient(() => testbed.baseUrl);
  const tokens: Record<string, string> = {};
  const sockets: AgentSocketProbe[] = [];

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'ada pw', capacity: 2, brands: [PERCH_AIR.username] },
        { id: 'bob', displayName: 'Bob', password: 'bob pw', capacity: 2, brands: [PERCH_AIR.username] },
        { id: 'cleo', displayName: 'Cleo', password: 'cleo pw', capacity: 2, brands: [PERCH_AIR.username] },
        { id: 'dan', displayName: 'Dan', password: 'dan pw', capacity: 2, role: 'supervisor', brands: [PERCH_AIR.username] },
      ],
      options: { run: { outboundWorker: false } },
    });
    observer = await testbed.bus.subscribe(Topics.OutboundRequested, 'conference-spec-observer', async (event) => {
      requested.push(event);
    });
    for (const id of ['ada', 'bob', 'cleo', 'dan']) tokens[id] = await signIn(id, `${id} pw`);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await observer?.stop();
    await testbed?.close();
  });

  async function socketOf(agentId: string): Promise<AgentSocketProbe> {
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, tokens[agentId] ?? '');
    sockets.push(socket);
    return socket;
  }

  async function ready(agentId: string): Promise<void> {
    expect((await request('PUT', '/api/agents/me/presence', { state: 'ready' }, tokens[agentId])).status).toBe(202);
    await testbed.router.waitForCommand((c) => c.type === 'presence' && c.agentId === agentId && c.presence === 'ready');
  }

  /** An interaction offered to and accepted by ada. */
  async function heldByAda(ada: AgentSocketProbe): Promise<string> {
    const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
    await ada.next('offer', (m) => m.interactionId === interactionId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, tokens['ada'])).status).toBe(202);
    await ada.next('interaction-accepted', (m) => m.interaction.id === interactionId);
    await waitFor('the accepted view in the store', async () => (await testbed.store.get(interactionId))?.state === 'active');
    return interactionId;
  }

  /** bob invited by ada and joined; returns the invitation's offer id. */
  async function bobJoins(interactionId: string, bob: AgentSocketProbe): Promise<string> {
    expect((await request('POST', `/api/interactions/${interactionId}/conference`, { agentId: 'bob' }, tokens['ada'])).status).toBe(202);
    const invitation = await bob.next('offer', (m) => m.interactionId === interactionId && m.conference !== undefined);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['bob'])).status).toBe(202);
    await bob.next('interaction-accepted', (m) => m.interaction.id === interactionId);
    return invitation.offerId;
  }

  it('invites only from the holder, refusing bad input with 400 and each other case with 409 and its reason, publishing nothing', async () => {
    const ada = await socketOf('ada');
    await ready('bob');
    const interactionId = await heldByAda(ada);
    const path = `/api/interactions/${interactionId}/conference`;

    const malformed = await Promise.all([request('POST', path, {}, tokens['ada']), request('POST', path, { agentId: 'bob', reason: 'x'.repeat(501) }, tokens['ada'])]);
    expect(malformed.map((r) => r.status)).toEqual([400, 400]);
    expect(JSON.stringify(malformed[0]?.body)).toMatch(/agentId/);
    expect(JSON.stringify(malformed[1]?.body)).toMatch(/reason/);
    const refused = await Promise.all(['ada', 'ghost', 'cleo'].map((agentId) => request('POST', path, { agentId }, tokens['ada'])));
    expect(refused.map((r) => [r.status, r.body['code']])).toEqual([
      [409, 'invite-self'],
      [409, 'unknown-agent'],
      [409, 'agent-offline'],
    ]);
    // Not the holder: another agent, a supervisor, nobody signed in.
    expect(await request('POST', path, { agentId: 'cleo' }, tokens['bob'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
    expect(await request('POST', path, { agentId: 'cleo' }, tokens['dan'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
    expect((await request('POST', path, { agentId: 'bob' })).status).toBe(401);
    // Only offered, not accepted: 409 not-accepted.
    const offered = await testbed.router.offer({ agentId: 'ada', message: customerTweet(), classification: CLASSIFICATION });
    await ada.next('offer', (m) => m.interactionId === offered.interactionId);
    expect(await request('POST', `/api/interactions/${offered.interactionId}/conference`, { agentId: 'bob' }, tokens['ada'])).toMatchObject({
      status: 409,
      body: { code: 'not-accepted' },
    });
    expect(testbed.router.commands.filter((c) => c.type === 'conference')).toEqual([]);
  });

  it("makes the invitee a guest on accept: both see the customer's messages live, either may reply, only the holder completes", async () => {
    const ada = await socketOf('ada');
    const bob = await socketOf('bob');
    const cleo = await socketOf('cleo');
    await ready('bob');
    await ready('cleo');
    const interactionId = await heldByAda(ada);
    const path = `/api/interactions/${interactionId}/conference`;

    expect((await request('POST', path, { agentId: 'bob', reason: 'second pair of eyes' }, tokens['ada'])).status).toBe(202);
    const invitation = await bob.next('offer', (m) => m.interactionId === interactionId);
    expect(invitation.conference).toEqual({ fromAgentId: 'ada', reason: 'second pair of eyes' });
    expect(await ada.next('conference-update', (m) => m.interactionId === interactionId)).toMatchObject({ status: 'invited', agentId: 'bob', holderAgentId: 'ada' });
    // A reload finds the invitation (the router's record), marked as one.
    const pending = (await request('GET', '/api/agents/me/offers', undefined, tokens['bob'])).body as unknown as OfferMessage[];
    expect(pending).toEqual([expect.objectContaining({ interactionId, offerId: invitation.offerId, conference: { fromAgentId: 'ada', reason: 'second pair of eyes' } })]);
    // One live offer per interaction: no second invitation, no transfer meanwhile; only bob answers it.
    expect(await request('POST', path, { agentId: 'cleo' }, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'invitation-pending' } });
    expect(await request('POST', `/api/interactions/${interactionId}/transfer`, { toAgentId: 'cleo', reason: 'x' }, tokens['ada'])).toMatchObject({
      status: 409,
      body: { code: 'invitation-pending' },
    });
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['cleo'])).status).toBe(403);

    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['bob'])).status).toBe(202);
    expect(await bob.next('interaction-accepted', (m) => m.interaction.id === interactionId)).toMatchObject({ conference: { holderAgentId: 'ada', guests: ['bob'] } });
    // Accepting the invitation again (a double click) is refused with what became of it, and publishes nothing.
    const acceptsBefore = testbed.router.commands.filter((c) => c.type === 'accept' && c.offerId === invitation.offerId).length;
    const again = await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['bob']);
    expect(again).toMatchObject({ status: 409, body: { code: 'offer-not-live' } });
    expect(JSON.stringify(again.body)).toContain('you joined its conference already');
    expect(testbed.router.commands.filter((c) => c.type === 'accept' && c.offerId === invitation.offerId)).toHaveLength(acceptsBefore);
    expect(await ada.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'joined')).toMatchObject({ agentId: 'bob', guests: ['bob'] });
    // The guest's work list and reads show it; the conference is full (ROUTER_CONFERENCE_MAX_AGENTS 2); no transfer during it.
    expect(JSON.stringify((await request('GET', '/api/interactions', undefined, tokens['bob'])).body)).toContain(interactionId);
    expect((await request('GET', `/api/interactions/${interactionId}`, undefined, tokens['bob'])).status).toBe(200);
    expect(await request('POST', path, { agentId: 'cleo' }, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'conference-full' } });
    expect(await request('POST', path, { agentId: 'bob' }, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'already-in-conference' } });
    expect(await request('POST', `/api/interactions/${interactionId}/transfer`, { toQueue: true, reason: 'x' }, tokens['ada'])).toMatchObject({
      status: 409,
      body: { code: 'in-conference' },
    });

    // The customer writes again: both participants' sockets get it.
    await testbed.router.addMessage(interactionId, 'ada', customerTweet('@PerchAir any news?'), CLASSIFICATION);
    await ada.next('message-added', (m) => m.interactionId === interactionId);
    await bob.next('message-added', (m) => m.interactionId === interactionId);
    expect(cleo.messages.filter((m) => m.type === 'message-added')).toEqual([]);

    // Either may act on the customer; the guest may not complete, transfer or invite; a stranger may do nothing.
    const reply = await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'Looking into it now' }, tokens['bob']);
    expect(reply.status).toBe(202);
    await waitFor("the guest's reply requested", async () => requested.some((e) => e.payload.commandId === reply.body['commandId'] && e.payload.agentId === 'bob'));
    expect((await request('POST', `/api/interactions/${interactionId}/follow`, undefined, tokens['bob'])).status).toBe(202);
    // X's answer to the guest's reply reaches the holder's desktop too: both see the transcript live.
    await testbed.bus.publish(
      Topics.OutboundCompleted,
      {
        commandId: String(reply.body['commandId']),
        kind: 'reply',
        status: 'sent',
        brandAccountId: PERCH_AIR.id,
        agentId: 'bob',
        interactionId,
        tweetId: '1790000000000000777',
        text: 'Looking into it now',
        completedAt: Date.now(),
      },
      { correlationId: 'conference-spec' },
    );
    expect(await ada.next('action-sent', (m) => m.interactionId === interactionId)).toMatchObject({ entry: { agentId: 'bob', tweetId: '1790000000000000777' } });
    await bob.next('action-sent', (m) => m.interactionId === interactionId);
    expect(cleo.messages.filter((m) => m.type === 'action-sent')).toEqual([]);
    const guestRefused = await Promise.all([
      request('POST', `/api/interactions/${interactionId}/done`, {}, tokens['bob']),
      request('POST', `/api/interactions/${interactionId}/transfer`, { toQueue: true, reason: 'x' }, tokens['bob']),
      request('POST', path, { agentId: 'cleo' }, tokens['bob']),
    ]);
    expect(guestRefused.map((r) => [r.status, r.body['code']])).toEqual(guestRefused.map(() => [403, 'not-your-interaction']));
    expect(await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'hi' }, tokens['cleo'])).toMatchObject({ status: 403 });

    // Done by the holder ends the conference: both desktops close it.
    expect((await request('POST', `/api/interactions/${interactionId}/done`, {}, tokens['ada'])).status).toBe(202);
    await ada.next('completed', (m) => m.interactionId === interactionId);
    await bob.next('completed', (m) => m.interactionId === interactionId);
  });

  it('takes the invitation back from the invitee when the holder completes the interaction first', async () => {
    const ada = await socketOf('ada');
    const bob = await socketOf('bob');
    await ready('bob');
    const interactionId = await heldByAda(ada);
    expect((await request('POST', `/api/interactions/${interactionId}/conference`, { agentId: 'bob' }, tokens['ada'])).status).toBe(202);
    const invitation = await bob.next('offer', (m) => m.interactionId === interactionId && m.conference !== undefined);
    expect((await request('POST', `/api/interactions/${interactionId}/done`, {}, tokens['ada'])).status).toBe(202);
    await bob.next('offer-rescinded', (m) => m.interactionId === interactionId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['bob'])).status).toBe(409);
  });

  it('lets a guest leave, refuses the holder leaving without handing over, and hands over to a guest', async () => {
    const ada = await socketOf('ada');
    const bob = await socketOf('bob');
    await ready('bob');
    const interactionId = await heldByAda(ada);
    const leave = `/api/interactions/${interactionId}/conference/leave`;
    // No conference yet: the holder has nobody to hand over to; a stranger is refused.
    expect(await request('POST', leave, {}, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'holder-must-hand-over' } });
    expect(await request('POST', leave, {}, tokens['cleo'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
    expect((await request('POST', leave, { handOverTo: 7 }, tokens['ada'])).status).toBe(400);

    await bobJoins(interactionId, bob);
    expect(await request('POST', leave, { handOverTo: 'cleo' }, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'not-in-conference' } });
    expect(await request('POST', leave, { handOverTo: 'ada' }, tokens['bob'])).toMatchObject({ status: 409, body: { code: 'not-holder' } });
    expect((await request('POST', leave, {}, tokens['bob'])).status).toBe(202);
    expect(await ada.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'left')).toMatchObject({ agentId: 'bob', guests: [] });
    await bob.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'left');
    expect((await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'still here?' }, tokens['bob'])).status).toBe(403);

    await bobJoins(interactionId, bob);
    expect((await request('POST', leave, { handOverTo: 'bob' }, tokens['ada'])).status).toBe(202);
    expect(await bob.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'handed-over')).toMatchObject({
      agentId: 'bob',
      holderAgentId: 'bob',
      guests: [],
    });
    await ada.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'handed-over');
    expect(await testbed.router.holderOf(interactionId)).toMatchObject({ state: 'assigned', agentId: 'bob' });
    // The new holder completes; the old one may not act any more.
    expect((await request('POST', `/api/interactions/${interactionId}/replies`, { text: 'hi' }, tokens['ada'])).status).toBe(403);
    expect((await request('POST', `/api/interactions/${interactionId}/done`, {}, tokens['bob'])).status).toBe(202);
    await waitFor('the conference steps audited', async () =>
      (await testbed.audit.query({ interactionId })).entries.some((e) => e.action === 'conference-leave' && e.outcome === 'refused'),
    );
  });
});
