import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { WS_CLOSE_UNAUTHENTICATED } from '../gateway.constants';
import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { CLASSIFICATION, customerTweet, PERCH_AIR, PERCH_RAIL } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

// Issue 11's backend through the whole module: admins manage users, supervisors the disposition codes and the standard
// responses, agents use them; each refusal with its status, code and the fields it names.

function fields(body: Record<string, unknown>): string[] {
  return ((body['problems'] as { field: string }[] | undefined) ?? []).map((problem) => problem.field).sort();
}

function messages(body: Record<string, unknown>): string {
  return ((body['problems'] as { messages: string[] }[] | undefined) ?? []).flatMap((problem) => problem.messages).join(' | ');
}

describe('users, disposition codes, standard responses and the desktop config over HTTP', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR, PERCH_RAIL],
      agents: [
        { id: 'dana', displayName: 'Dana Admin', password: 'dana pw', role: 'admin', brands: ['*'] },
        { id: 'carol', displayName: 'Carol Supervisor', password: 'carol pw', role: 'supervisor', brands: [PERCH_AIR.username] },
        { id: 'ada', displayName: 'Ada Agent', password: 'ada pw', brands: [PERCH_AIR.username] },
        { id: 'rail', displayName: 'Rail Agent', password: 'rail pw', brands: [PERCH_RAIL.username] },
      ],
      options: { run: { outboundWorker: false }, consistencyWaitMs: 0, wrapUpMs: 45_000, skillCatalog: ['billing', 'pt'] },
    });
    for (const [id, password] of [['dana', 'dana pw'], ['carol', 'carol pw'], ['ada', 'ada pw'], ['rail', 'rail pw']] as const) tokens[id] = await signIn(id, password);
  });

  afterAll(async () => {
    await testbed?.close();
  });

  /** An interaction of PerchAir offered to and accepted by the agent; its id. */
  async function heldBy(agentId: string, author?: { name: string }): Promise<string> {
    const message = customerTweet();
    if (author) message.author = { ...message.author, ...author };
    const { interactionId, offerId } = await testbed.router.offer({ agentId, message, classification: CLASSIFICATION });
    await waitFor('the offer projected', async () => (await testbed.store.get(interactionId))?.agentId === agentId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, tokens[agentId])).status).toBe(202);
    await waitFor('the interaction assigned', async () => (await testbed.router.holderOf(interactionId))?.state === 'assigned');
    return interactionId;
  }

  describe('users (admins only)', () => {
    it('creates a user who signs in at once, lists them without a hash, and refuses a duplicate id in any case with 409', async () => {
      const created = await request('POST', '/api/admin/users', { id: 'nina', password: 'nina password', displayName: 'Nina Costa', role: 'agent', brands: ['PerchAir'], capacity: 2 }, tokens['dana']);
      expect(created).toMatchObject({ status: 201, body: { id: 'nina', displayName: 'Nina Costa', role: 'agent', brands: ['PerchAir'], capacity: 2, disabled: false } });
      expect(created.body).not.toHaveProperty('passwordHash');
      const token = await signIn('nina', 'nina password');
      expect((await request('GET', '/api/agents/me', undefined, token)).body).toMatchObject({ id: 'nina', brands: ['PerchAir'] });
      const listed = await request('GET', '/api/admin/users', undefined, tokens['dana']);
      expect((listed.body as unknown as { id: string }[]).map((user) => user.id)).toEqual(expect.arrayContaining(['ada', 'carol', 'dana', 'nina', 'rail']));
      expect(JSON.stringify(listed.body)).not.toContain('scrypt$');
      expect(await request('POST', '/api/admin/users', { id: 'NINA', password: 'another password' }, tokens['dana'])).toMatchObject({ status: 409, body: { code: 'user-exists' } });
    });

    it('refuses bad input with 400 naming every bad field', async () => {
      const bad = await request('POST', '/api/admin/users', { id: 'no spaces', password: 'short', role: 'root', brands: ['not a brand!'], capacity: 99 }, tokens['dana']);
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['brands', 'capacity', 'id', 'password', 'role']);
      const empty = await request('PATCH', '/api/admin/users/ada', {}, tokens['dana']);
      expect(empty.status).toBe(400);
      expect(fields(empty.body)).toEqual(['(body)']);
      expect(await request('PATCH', '/api/admin/users/ghost', { disabled: true }, tokens['dana'])).toMatchObject({ status: 404, body: { code: 'unknown-user' } });
      expect(await request('PUT', '/api/admin/users/ghost/password', { password: 'long enough' }, tokens['dana'])).toMatchObject({ status: 404 });
    });

    it('disables a user: their open session ends at once, they cannot sign in, and enabling lets them back in', async () => {
      await request('POST', '/api/admin/users', { id: 'omar', password: 'omar password' }, tokens['dana']);
      const token = await signIn('omar', 'omar password');
      expect((await request('PATCH', '/api/admin/users/omar', { disabled: true }, tokens['dana'])).body).toMatchObject({ disabled: true });
      expect((await request('GET', '/api/agents/me', undefined, token)).status).toBe(401);
      expect(await request('POST', '/api/auth/sign-in', { username: 'omar', password: 'omar password' })).toMatchObject({ status: 401, body: { code: 'bad-credentials' } });
      await request('PATCH', '/api/admin/users/omar', { disabled: false }, tokens['dana']);
      await signIn('omar', 'omar password');
    });

    it("closes a disabled user's open socket (4401 token-revoked) at the hub's next check", async () => {
      await request('POST', '/api/admin/users', { id: 'sol', password: 'sol password' }, tokens['dana']);
      const socket = await AgentSocketProbe.connect(testbed.baseUrl, await signIn('sol', 'sol password'));
      try {
        await request('PATCH', '/api/admin/users/sol', { disabled: true }, tokens['dana']);
        // The hub's periodic sweep, run now rather than waited for (as on every replica within its interval).
        await testbed.app.get(AgentSocketHub).closeRevoked();
        expect(await socket.closed).toEqual({ code: WS_CLOSE_UNAUTHENTICATED, reason: 'token-revoked' });
      } finally {
        await socket.close();
      }
    });

    it("resets a password, ending the user's sessions; changes role and brands for their next request", async () => {
      await request('POST', '/api/admin/users', { id: 'pia', password: 'pia password' }, tokens['dana']);
      const token = await signIn('pia', 'pia password');
      expect((await request('PATCH', '/api/admin/users/pia', { role: 'supervisor', brands: ['PerchRail'] }, tokens['dana'])).body).toMatchObject({
        role: 'supervisor',
        brands: ['PerchRail'],
      });
      expect((await request('GET', '/api/agents/me', undefined, token)).body).toMatchObject({ role: 'supervisor', brands: ['PerchRail'] });
      expect((await request('PUT', '/api/admin/users/pia/password', { password: 'a new password' }, tokens['dana'])).status).toBe(200);
      expect((await request('GET', '/api/agents/me', undefined, token)).status).toBe(401);
      expect((await request('POST', '/api/auth/sign-in', { username: 'pia', password: 'pia password' })).status).toBe(401);
      await signIn('pia', 'a new password');
    });

    it('refuses a skill outside the skill catalog (400 naming skills), and accepts one in it with a level', async () => {
      const refused = await request('POST', '/api/admin/users', { id: 'tam', password: 'tam password', skills: ['billing=7', 'french'] }, tokens['dana']);
      expect(fields(refused.body)).toEqual(['skills']);
      expect(messages(refused.body)).toContain('"french" not in the skill catalog');
      expect((await request('POST', '/api/admin/users', { id: 'tam', password: 'tam password', skills: ['billing=7', 'pt'] }, tokens['dana'])).body).toMatchObject({ skills: ['billing=7', 'pt'] });
      expect(fields((await request('PATCH', '/api/admin/users/tam', { skills: ['de'] }, tokens['dana'])).body)).toEqual(['skills']);
    });

    it('refuses an admin disabling or demoting themselves with 409 own-account', async () => {
      expect(await request('PATCH', '/api/admin/users/dana', { disabled: true }, tokens['dana'])).toMatchObject({ status: 409, body: { code: 'own-account' } });
      expect(await request('PATCH', '/api/admin/users/dana', { role: 'agent' }, tokens['dana'])).toMatchObject({ status: 409, body: { code: 'own-account' } });
    });

    it('refuses agents and supervisors (403 role-required), creating nothing', async () => {
      for (const who of ['ada', 'carol']) {
        expect(await request('POST', '/api/admin/users', { id: `made-by-${who}`, password: 'some password' }, tokens[who])).toMatchObject({ status: 403, body: { code: 'role-required' } });
      }
      expect(testbed.agents.getAgent('made-by-ada')).toBeNull();
    });
  });

  describe('disposition codes', () => {
    it("starts a brand with the default codes, lets supervisors add, rename, retire and require, and shows agents only their brands'", async () => {
      const initial = await request('GET', '/api/dispositions?brand=PerchRail', undefined, tokens['carol']);
      expect(initial.body).toEqual([expect.objectContaining({ brand: 'perchrail', brandAccountId: PERCH_RAIL.id, required: false })]);
      const added = await request('POST', '/api/dispositions/PerchRail/codes', { code: 'delayed-train', label: 'Delayed train' }, tokens['carol']);
      expect(added).toMatchObject({ status: 201, body: { code: 'delayed-train', label: 'Delayed train', retired: false } });
      expect(await request('POST', '/api/dispositions/perchrail/codes', { code: 'delayed-train', label: 'Again' }, tokens['carol'])).toMatchObject({
        status: 409,
        body: { code: 'disposition-exists' },
      });
      expect((await request('PATCH', '/api/dispositions/PerchRail/codes/delayed-train', { label: 'Train delayed' }, tokens['carol'])).body).toMatchObject({ label: 'Train delayed' });
      expect((await request('PATCH', '/api/dispositions/PerchRail/codes/spam', { retired: true }, tokens['carol'])).body).toMatchObject({ code: 'spam', retired: true });
      expect((await request('PUT', '/api/dispositions/PerchRail/settings', { required: true }, tokens['carol'])).body).toMatchObject({ brand: 'perchrail', required: true });
      const railView = await request('GET', '/api/dispositions', undefined, tokens['rail']);
      expect((railView.body as unknown as { brand: string }[]).map((brand) => brand.brand)).toEqual(['perchrail']);
      expect(await request('GET', '/api/dispositions?brand=PerchRail', undefined, tokens['ada'])).toMatchObject({ status: 403, body: { code: 'brand-not-allowed' } });
      expect(await request('GET', '/api/dispositions?brand=nobody', undefined, tokens['carol'])).toMatchObject({ status: 404, body: { code: 'unknown-brand' } });
    });

    it('refuses bad codes and labels naming them, an unknown code with 404, and agents with 403', async () => {
      const bad = await request('POST', '/api/dispositions/PerchAir/codes', { code: 'Not A Code', label: '   ' }, tokens['carol']);
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['code', 'label']);
      expect(await request('PATCH', '/api/dispositions/PerchAir/codes/nope', { label: 'x' }, tokens['carol'])).toMatchObject({ status: 404, body: { code: 'unknown-disposition' } });
      expect(await request('POST', '/api/dispositions/PerchAir/codes', { code: 'mine', label: 'Mine' }, tokens['ada'])).toMatchObject({ status: 403, body: { code: 'role-required' } });
      expect(await request('PUT', '/api/dispositions/PerchAir/settings', { required: 'yes' }, tokens['carol'])).toMatchObject({ status: 400 });
    });

    it('checks done on the server: unknown code names the allowed ones, missing when required, blank or oversized note; keeps a good one with the interaction', async () => {
      await request('PUT', '/api/dispositions/PerchAir/settings', { required: true }, tokens['carol']);
      const interactionId = await heldBy('ada');
      const done = (body: unknown): ReturnType<typeof request> => request('POST', `/api/interactions/${interactionId}/done`, body, tokens['ada']);
      const banana = await done({ disposition: 'banana' });
      expect(banana).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
      expect(fields(banana.body)).toEqual(['disposition']);
      expect(messages(banana.body)).toContain('unknown disposition "banana": one of escalated, follow-up, no-action, resolved, spam');
      const missing = await done({ note: 'called back' });
      expect(fields(missing.body)).toEqual(['disposition']);
      expect(messages(missing.body)).toContain('required before done for @perchair');
      expect(fields((await done({ disposition: 'resolved', note: '   ' })).body)).toEqual(['note']);
      expect(fields((await done({ disposition: 'resolved', note: 'x'.repeat(2001) })).body)).toEqual(['note']);
      expect(testbed.router.commands.filter((command) => command.interactionId === interactionId && command.type === 'complete')).toEqual([]);

      expect((await done({ disposition: 'resolved', note: 'rebooked on the 18:40' })).status).toBe(202);
      await waitFor('completed', async () => (await testbed.store.get(interactionId))?.state === 'completed');
      expect((await testbed.store.get(interactionId))?.completion).toMatchObject({ agentId: 'ada', disposition: 'resolved', note: 'rebooked on the 18:40' });
      await request('PUT', '/api/dispositions/PerchAir/settings', { required: false }, tokens['carol']);
    });

    it('refuses a retired code on done, and accepts it again once restored', async () => {
      await request('PATCH', '/api/dispositions/PerchAir/codes/escalated', { retired: true }, tokens['carol']);
      const interactionId = await heldBy('ada');
      const retired = await request('POST', `/api/interactions/${interactionId}/done`, { disposition: 'escalated' }, tokens['ada']);
      expect(messages(retired.body)).toMatch(/retired disposition "escalated"/);
      await request('PATCH', '/api/dispositions/PerchAir/codes/escalated', { retired: false }, tokens['carol']);
      expect((await request('POST', `/api/interactions/${interactionId}/done`, { disposition: 'escalated' }, tokens['ada'])).status).toBe(202);
    });
  });

  describe('standard responses', () => {
    it('lets supervisors write them, refusing an unknown placeholder and a brand not served, naming the field', async () => {
      const unknownPlaceholder = await request(
        'POST',
        '/api/standard-responses',
        { title: 'Email us', text: 'Write to us, {{customer.email}}', language: 'en', category: 'contact' },
        tokens['carol'],
      );
      expect(unknownPlaceholder.status).toBe(400);
      expect(fields(unknownPlaceholder.body)).toEqual(['text']);
      expect(messages(unknownPlaceholder.body)).toContain('{{customer.email}}');
      const badBrand = await request('POST', '/api/standard-responses', { title: 'x', text: 'x', brand: 'nobody', language: 'en', category: 'c' }, tokens['carol']);
      expect(fields(badBrand.body)).toEqual(['brand']);
      const invalid = await request('POST', '/api/standard-responses', { title: ' ', text: '', language: 'english!', category: '' }, tokens['carol']);
      expect(fields(invalid.body)).toEqual(['category', 'language', 'text', 'title']);
      expect(await request('POST', '/api/standard-responses', { title: 'x', text: 'x', language: 'en', category: 'c' }, tokens['ada'])).toMatchObject({ status: 403, body: { code: 'role-required' } });
    });

    it('searches by words, brand, language and category, showing agents only their brands and those for every brand', async () => {
      const create = async (body: Record<string, unknown>): Promise<string> => {
        const created = await request('POST', '/api/standard-responses', body, tokens['carol']);
        expect(created.status).toBe(201);
        return String(created.body['id']);
      };
      const air = await create({ title: 'Lost luggage', text: 'Hi {{customer.name}}, we are tracing your bag ({{case.number}}).', brand: 'PerchAir', language: 'en', category: 'baggage' });
      const any = await create({ title: 'Thanks for waiting', text: 'Thanks {{customer.handle}}, {{agent.name}} here.', language: 'en', category: 'general' });
      const rail = await create({ title: 'Train delay', text: 'Sorry about the delay.', brand: 'PerchRail', language: 'pt-BR', category: 'delays' });
      const ids = async (query: string, who: string): Promise<string[]> =>
        ((await request('GET', `/api/standard-responses${query}`, undefined, tokens[who])).body as unknown as { id: string }[]).map((r) => r.id);
      expect(await ids('?q=BAG', 'ada')).toEqual([air]);
      expect((await ids('', 'ada')).sort()).toEqual([air, any].sort());
      expect(await ids('?q=delay', 'ada')).toEqual([]);
      expect(await ids('?q=delay', 'rail')).toEqual([rail]);
      expect(await ids('?language=pt-BR', 'carol')).toEqual([rail]);
      expect(await ids('?category=general', 'rail')).toEqual([any]);
      expect(await request('GET', '/api/standard-responses?brand=PerchRail', undefined, tokens['ada'])).toMatchObject({ status: 403, body: { code: 'brand-not-allowed' } });
      expect(await request('GET', `/api/standard-responses/${rail}`, undefined, tokens['ada'])).toMatchObject({ status: 404, body: { code: 'unknown-standard-response' } });
      expect((await request('GET', `/api/standard-responses/${air}`, undefined, tokens['ada'])).body).toMatchObject({
        title: 'Lost luggage',
        brand: 'perchair',
        placeholders: ['customer.name', 'case.number'],
      });
    });

    it("renders one for the agent's interaction with the customer's name and handle, the agent's name and the case number", async () => {
      const created = await request(
        'POST',
        '/api/standard-responses',
        { title: 'Greeting', text: 'Hi {{customer.name}} ({{customer.handle}}), {{agent.name}} here about {{case.number}}.', brand: 'PerchAir', language: 'en', category: 'general' },
        tokens['carol'],
      );
      const interactionId = await heldBy('ada');
      const rendered = await request('POST', `/api/standard-responses/${String(created.body['id'])}/render`, { interactionId }, tokens['ada']);
      const caseNumber = `P-${interactionId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
      expect(rendered).toMatchObject({ status: 200, body: { text: `Hi Dana (@dana_flies), Ada Agent here about ${caseNumber}.` } });
      expect(await request('POST', `/api/standard-responses/${String(created.body['id'])}/render`, { interactionId: 'nope' }, tokens['ada'])).toMatchObject({ status: 400 });
    });

    it('refuses to render a placeholder the interaction cannot fill (400 naming it), and a response of another brand (409 wrong-brand)', async () => {
      const named = await request('POST', '/api/standard-responses', { title: 'Name', text: 'Dear {{customer.name}}', language: 'en', category: 'general' }, tokens['carol']);
      const interactionId = await heldBy('ada', { name: '' });
      const unfilled = await request('POST', `/api/standard-responses/${String(named.body['id'])}/render`, { interactionId }, tokens['ada']);
      expect(unfilled.status).toBe(400);
      expect(fields(unfilled.body)).toEqual(['text']);
      expect(messages(unfilled.body)).toContain('{{customer.name}}');
      const railOnly = await request('POST', '/api/standard-responses', { title: 'Rail', text: 'Rail only', brand: 'PerchRail', language: 'en', category: 'general' }, tokens['carol']);
      // Dana the admin sees every brand's library, but a PerchRail text does not go into a PerchAir conversation.
      const danaHeld = await heldBy('dana');
      expect(await request('POST', `/api/standard-responses/${String(railOnly.body['id'])}/render`, { interactionId: danaHeld }, tokens['dana'])).toMatchObject({
        status: 409,
        body: { code: 'wrong-brand' },
      });
    });

    it('lets supervisors change and remove one; a removed one is gone (404)', async () => {
      const created = await request('POST', '/api/standard-responses', { title: 'Old', text: 'Old text', language: 'en', category: 'general' }, tokens['carol']);
      const id = String(created.body['id']);
      expect((await request('PATCH', `/api/standard-responses/${id}`, { title: 'New', brand: 'PerchAir' }, tokens['carol'])).body).toMatchObject({ title: 'New', brand: 'perchair' });
      expect(fields((await request('PATCH', `/api/standard-responses/${id}`, { text: '{{case.id}}' }, tokens['carol'])).body)).toEqual(['text']);
      expect(fields((await request('PATCH', `/api/standard-responses/${id}`, {}, tokens['carol'])).body)).toEqual(['(body)']);
      expect(await request('DELETE', `/api/standard-responses/${id}`, undefined, tokens['ada'])).toMatchObject({ status: 403 });
      expect((await request('DELETE', `/api/standard-responses/${id}`, undefined, tokens['carol'])).status).toBe(204);
      expect((await request('DELETE', `/api/standard-responses/${id}`, undefined, tokens['carol'])).status).toBe(404);
    });
  });

  it('tells the desktop the wrap-up time, the note limit and the placeholders', async () => {
    expect((await request('GET', '/api/config', undefined, tokens['ada'])).body).toEqual({
      wrapUpMs: 45_000,
      noteMaxLength: 2000,
      dispositionMaxLength: 64,
      placeholders: ['customer.name', 'customer.handle', 'agent.name', 'case.number'],
      attachmentsSupported: false,
    });
  });
});
