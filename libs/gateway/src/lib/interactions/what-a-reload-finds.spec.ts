import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, customerTweet, PERCH_AIR } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { type OfferMessage } from '../ws/ws-messages.types';

// Issue 10's gaps in what a desktop reads back after a reload (or time offline): consultations addressed to the agent,
// the conference's guests, the reasons of pending transfer offers and invitations, and the sticky mark of an offer.
// Through the whole module, with the stand-in router's record as the authority (the router's store in production).
describe('What a desktop finds after a reload', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);
  const tokens: Record<string, string> = {};
  const sockets: AgentSocketProbe[] = [];

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'ada pw', capacity: 3, brands: [PERCH_AIR.username] },
        { id: 'bob', displayName: 'Bob Builder', password: 'bob pw', capacity: 3, brands: [PERCH_AIR.username] },
        { id: 'cleo', displayName: 'Cleo', password: 'cleo pw', capacity: 3, brands: [PERCH_AIR.username] },
        { id: 'dan', displayName: 'Dan', password: 'dan pw', role: 'supervisor', brands: [PERCH_AIR.username] },
      ],
      options: { run: { outboundWorker: false } },
    });
    for (const id of ['ada', 'bob', 'cleo', 'dan']) tokens[id] = await signIn(id, `${id} pw`);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
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

  async function heldBy(agentId: string, socket: AgentSocketProbe): Promise<string> {
    const { interactionId, offerId } = await testbed.router.offer({ agentId, message: customerTweet(), classification: CLASSIFICATION });
    await socket.next('offer', (m) => m.interactionId === interactionId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, tokens[agentId])).status).toBe(202);
    await socket.next('interaction-accepted', (m) => m.interaction.id === interactionId);
    await waitFor('the accepted view in the store', async () => (await testbed.store.get(interactionId))?.state === 'active');
    return interactionId;
  }

  async function consult(interactionId: string, from: string, withAgentId: string, text: string): Promise<void> {
    const made = await request('POST', `/api/interactions/${interactionId}/consultations`, { withAgentId, text }, tokens[from]);
    expect(made.status).toBe(201);
  }

  interface Thread {
    interaction: { id: string; agentId: string | null };
    consultations: { fromAgentId: string; withAgentId: string; text: string }[];
  }

  async function consultationsOf(agentId: string, query = ''): Promise<{ status: number; items: Thread[]; nextCursor?: string; body: Record<string, unknown> }> {
    const answer = await request('GET', `/api/agents/me/consultations${query}`, undefined, tokens[agentId]);
    const body = answer.body as { items?: Thread[]; nextCursor?: string };
    return { status: answer.status, items: body.items ?? [], ...(body.nextCursor === undefined ? {} : { nextCursor: body.nextCursor }), body: answer.body };
  }

  it('lists the consultations addressed to a colleague who was offline, newest first and paged, only those to or by the caller', async () => {
    const ada = await socketOf('ada');
    const first = await heldBy('ada', ada);
    const second = await heldBy('ada', ada);
    // Bob has no desktop open: the pushes reach nobody, the stored transcript keeps them.
    await consult(first, 'ada', 'bob', 'Refund under 3 hours?');
    await consult(first, 'ada', 'cleo', 'Cleo, seen this customer before?');
    await consult(second, 'ada', 'bob', 'VIP: how do we word the apology?');

    const bobs = await consultationsOf('bob');
    expect(bobs.status).toBe(200);
    expect(bobs.items.map((thread) => thread.interaction.id)).toEqual([second, first]);
    expect(bobs.items[0]?.interaction.agentId).toBe('ada');
    // Ada's question to cleo is not bob's to read.
    expect(bobs.items[1]?.consultations.map((entry) => [entry.fromAgentId, entry.withAgentId, entry.text])).toEqual([['ada', 'bob', 'Refund under 3 hours?']]);
    expect(bobs.nextCursor).toBeUndefined();

    const page1 = await consultationsOf('bob', '?limit=1');
    expect(page1.items.map((thread) => thread.interaction.id)).toEqual([second]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await consultationsOf('bob', `?limit=1&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`);
    expect(page2.items.map((thread) => thread.interaction.id)).toEqual([first]);
    expect(page2.nextCursor).toBeUndefined();

    // Cleo finds only the one she was asked in, with only her consultation; nobody consulted ada or the supervisor.
    const cleos = await consultationsOf('cleo');
    expect(cleos.items.map((thread) => [thread.interaction.id, thread.consultations.map((entry) => entry.text)])).toEqual([[first, ['Cleo, seen this customer before?']]]);
    expect((await consultationsOf('ada')).items).toEqual([]);
    expect((await consultationsOf('dan')).items).toEqual([]);

    // Bob answers: now ada was consulted too (her thread has her own questions as well), and bob's shows his answer first.
    await consult(first, 'bob', 'ada', 'Yes, a voucher');
    expect((await consultationsOf('ada')).items.map((thread) => thread.consultations.map((entry) => entry.text))).toEqual([
      ['Yes, a voucher', 'Cleo, seen this customer before?', 'Refund under 3 hours?'],
    ]);
    const after = await consultationsOf('bob');
    expect(after.items.map((thread) => thread.interaction.id)).toEqual([first, second]);
    expect(after.items[0]?.consultations.map((entry) => entry.text)).toEqual(['Yes, a voucher', 'Refund under 3 hours?']);

    // Completed interactions are not open any more.
    expect((await request('POST', `/api/interactions/${second}/done`, {}, tokens['ada'])).status).toBe(202);
    await waitFor('the view completed', async () => (await testbed.store.get(second))?.state === 'completed');
    expect((await consultationsOf('bob')).items.map((thread) => thread.interaction.id)).toEqual([first]);
  });

  it('answers 400 naming limit or cursor when either is wrong, and 401 without a token', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=51', 'limit'],
      ['?limit=many', 'limit'],
      ['?cursor=not-ours', 'cursor'],
    ] as const) {
      const refused = await consultationsOf('bob', query);
      expect({ query, status: refused.status, code: refused.body['code'] }).toEqual({ query, status: 400, code: 'validation-failed' });
      expect(JSON.stringify(refused.body['problems'])).toContain(field);
    }
    expect((await request('GET', '/api/agents/me/consultations')).status).toBe(401);
  });

  it("shows the conference's holder and guests, ids and names, from the router's record in GET /api/interactions and /:id", async () => {
    const ada = await socketOf('ada');
    const bob = await socketOf('bob');
    await ready('ada');
    await ready('bob');
    const interactionId = await heldBy('ada', ada);
    const conference = { holder: { id: 'ada', name: 'Ada Lovelace' }, guests: [{ id: 'bob', name: 'Bob Builder' }] };
    const viewOf = async (agentId: string): Promise<Record<string, unknown>> => (await request('GET', `/api/interactions/${interactionId}`, undefined, tokens[agentId])).body;
    const listedBy = async (agentId: string): Promise<Record<string, unknown> | undefined> => {
      const list = (await request('GET', '/api/interactions', undefined, tokens[agentId])).body as unknown as Record<string, unknown>[];
      return list.find((view) => view['id'] === interactionId);
    };
    // No guest yet: no conference.
    expect(await viewOf('ada')).not.toHaveProperty('conference');

    expect((await request('POST', `/api/interactions/${interactionId}/conference`, { agentId: 'bob' }, tokens['ada'])).status).toBe(202);
    const invitation = await bob.next('offer', (m) => m.interactionId === interactionId && m.conference !== undefined);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId: invitation.offerId }, tokens['bob'])).status).toBe(202);
    await bob.next('interaction-accepted', (m) => m.interaction.id === interactionId);

    // The holder after a reload (its list and the view), and the guest alike.
    expect(await listedBy('ada')).toMatchObject({ agentId: 'ada', conference });
    expect(await viewOf('ada')).toMatchObject({ conference });
    expect(await listedBy('bob')).toMatchObject({ agentId: 'ada', conference });
    expect(await viewOf('bob')).toMatchObject({ conference });
    // Neither holder nor guest: refused, the conference with it.
    expect(await request('GET', `/api/interactions/${interactionId}`, undefined, tokens['cleo'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
    expect(await listedBy('cleo')).toBeUndefined();

    expect((await request('POST', `/api/interactions/${interactionId}/conference/leave`, {}, tokens['bob'])).status).toBe(202);
    await ada.next('conference-update', (m) => m.interactionId === interactionId && m.status === 'left');
    expect(await viewOf('ada')).not.toHaveProperty('conference');
    expect(await listedBy('ada')).not.toHaveProperty('conference');
  });

  it("reads back a pending transfer's reason and an invitation's note on /me/offers, for their target only", async () => {
    const ada = await socketOf('ada');
    const bob = await socketOf('bob');
    await ready('bob');
    await ready('cleo');
    const transferred = await heldBy('ada', ada);
    expect((await request('POST', `/api/interactions/${transferred}/transfer`, { toAgentId: 'bob', reason: 'billing question' }, tokens['ada'])).status).toBe(202);
    await bob.next('offer', (m) => m.interactionId === transferred && m.transfer !== undefined);
    const invited = await heldBy('ada', ada);
    expect((await request('POST', `/api/interactions/${invited}/conference`, { agentId: 'cleo', reason: 'second opinion' }, tokens['ada'])).status).toBe(202);
    await testbed.router.waitForCommand((c) => c.type === 'conference' && c.interactionId === invited);

    const bobs = (await request('GET', '/api/agents/me/offers', undefined, tokens['bob'])).body as unknown as OfferMessage[];
    expect(bobs.find((offer) => offer.interactionId === transferred)?.transfer).toEqual({ fromAgentId: 'ada', reason: 'billing question' });
    expect(bobs.map((offer) => offer.interactionId)).not.toContain(invited);
    const cleos = (await request('GET', '/api/agents/me/offers', undefined, tokens['cleo'])).body as unknown as OfferMessage[];
    expect(cleos.find((offer) => offer.interactionId === invited)?.conference).toEqual({ fromAgentId: 'ada', reason: 'second opinion' });
    expect(cleos.map((offer) => offer.interactionId)).not.toContain(transferred);
    // The holder is offered neither.
    const adas = (await request('GET', '/api/agents/me/offers', undefined, tokens['ada'])).body as unknown as OfferMessage[];
    expect(adas.map((offer) => offer.interactionId)).not.toEqual(expect.arrayContaining([transferred]));
    expect(adas.map((offer) => offer.interactionId)).not.toEqual(expect.arrayContaining([invited]));
  });

  it("marks an offer to the customer's last agent sticky on the push and on /me/offers, and no other offer", async () => {
    const cleo = await socketOf('cleo');
    const sticky = await testbed.router.offer({ agentId: 'cleo', message: customerTweet(), classification: CLASSIFICATION, sticky: true });
    expect(await cleo.next('offer', (m) => m.interactionId === sticky.interactionId)).toMatchObject({ sticky: true });
    const plain = await testbed.router.offer({ agentId: 'cleo', message: customerTweet(), classification: CLASSIFICATION });
    expect(await cleo.next('offer', (m) => m.interactionId === plain.interactionId)).not.toHaveProperty('sticky');
    await waitFor('both offers projected', async () =>
      (await Promise.all([sticky, plain].map(async ({ interactionId }) => (await testbed.store.get(interactionId))?.state))).every((state) => state === 'offered'),
    );

    const offers = (await request('GET', '/api/agents/me/offers', undefined, tokens['cleo'])).body as unknown as OfferMessage[];
    expect(offers.find((offer) => offer.interactionId === sticky.interactionId)).toMatchObject({ sticky: true });
    expect(offers.find((offer) => offer.interactionId === plain.interactionId)).not.toHaveProperty('sticky');
  });
});
