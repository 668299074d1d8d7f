import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryContactStore, MemoryOutreachLedger, SmtpMailSender } from '@perch/contacts';
import { FileCaughtMailbox, SmtpCatcher } from '@perch/contacts/embedded';
import { type EventEnvelope, type InboundMessage, type TelephonyCallRequestPayload, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';
import { newId } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { AgentSocketProbe } from '../testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, inboundMessageFrom, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { CLASSIFICATION, PERCH_AIR, PERCH_RAIL } from '../testing/gateway-unit.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';

// Issue 11, the contact database and the other channels, through the whole module: REST with who may and who may not,
// a real SMTP exchange (nodemailer to the embedded mode's catcher on a loopback port), the call request on its topic.
jest.setTimeout(30_000);

let tweetSequence = 1_900_000_000_000_000_000n;

function tweetBy(author: { id: string; username: string; name: string }, brand = PERCH_AIR, kind: 'tweet' | 'dm' = 'tweet'): InboundMessage {
  tweetSequence += 1n;
  const id = tweetSequence.toString();
  const message = inboundMessageFrom({
    brand: { id: brand.id, username: brand.username },
    tweet: { id, text: `@${brand.username} order #${id.slice(-4)} is late`, createdAt: new Date(1_760_000_000_000).toISOString(), conversationId: id },
    author: { ...author, followersCount: 10, followingCount: 10, tweetCount: 10 },
  });
  return kind === 'dm' ? { ...message, kind: 'dm', source: 'dm-webhook', conversationKey: `${brand.id}:dm:${author.id}` } : message;
}

let authorSequence = 5000;
function newAuthor(): { id: string; username: string; name: string } {
  authorSequence += 1;
  return { id: String(authorSequence), username: `cust_${authorSequence}`, name: `Customer ${authorSequence}` };
}

describe('Contacts, email, call requests and the customer history, over HTTP', () => {
  let testbed: GatewayTestbed;
  let dir: string;
  let catcher: SmtpCatcher;
  let mailbox: FileCaughtMailbox;
  let sender: SmtpMailSender;
  let callObserver: ConsumerHandle;
  const calls: EventEnvelope<TelephonyCallRequestPayload>[] = [];
  const { request, signIn } = testbedClient(() => testbed.baseUrl);
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perch-contacts-gw-'));
    mailbox = new FileCaughtMailbox(join(dir, 'mailbox'));
    catcher = new SmtpCatcher({ mailbox, port: 0 });
    await catcher.start();
    sender = new SmtpMailSender({ brands: { perchair: { url: catcher.url, from: 'Perch Air Care <care@perchair.example>' } } });
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR, PERCH_RAIL],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'ada pw', brands: [PERCH_AIR.username] },
        { id: 'bob', displayName: 'Bob', password: 'bob pw', brands: [PERCH_AIR.username] },
        { id: 'rail', displayName: 'Rail Agent', password: 'rail pw', brands: [PERCH_RAIL.username] },
        { id: 'carol', displayName: 'Carol', password: 'carol pw', role: 'supervisor', brands: [PERCH_AIR.username] },
        { id: 'dana', displayName: 'Dana', password: 'dana pw', role: 'admin', brands: ['*'] },
      ],
      contacts: { store: new MemoryContactStore(), ledger: new MemoryOutreachLedger(), mail: sender, mailbox },
      options: { run: { outboundWorker: false }, consistencyWaitMs: 200 },
    });
    for (const [id, password] of [['ada', 'ada pw'], ['bob', 'bob pw'], ['rail', 'rail pw'], ['carol', 'carol pw'], ['dana', 'dana pw']] as const) {
      tokens[id] = await signIn(id, password);
    }
    callObserver = await testbed.bus.subscribe(Topics.TelephonyCallRequest, 'contacts-spec-calls', async (event) => {
      calls.push(event);
    });
  });

  afterAll(async () => {
    await callObserver?.stop();
    await testbed?.close();
    await sender?.close();
    await catcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** An interaction with this customer's message, offered to the agent and accepted (the router's record and the projection). */
  async function held(agentId: string, message: InboundMessage): Promise<string> {
    const { interactionId, offerId } = await testbed.router.offer({ agentId, message, classification: CLASSIFICATION });
    await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.agentId === agentId);
    expect((await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, tokens[agentId])).status).toBe(202);
    await waitFor('accepted in the store', async () => (await testbed.store.get(interactionId))?.state === 'active');
    return interactionId;
  }

  describe('the contact database', () => {
    it('lets every role create, search, read and change contacts, refusing bad fields by name and a second contact of one X user', async () => {
      const author = newAuthor();
      const created = await request('POST', '/api/contacts', { name: 'Eli Stone', emails: ['ELI@stone.example'], phones: ['+1 (555) 010-2030'], xHandle: `@${author.username}`, xUserId: author.id }, tokens['ada']);
      expect(created).toMatchObject({ status: 201, body: { name: 'Eli Stone', emails: ['eli@stone.example'], phones: ['+15550102030'], xHandle: author.username, xUserId: author.id, createdBy: 'ada', version: 1 } });
      const id = String(created.body['id']);

      for (const who of ['ada', 'carol', 'dana']) {
        const found = await request('GET', `/api/contacts?q=${encodeURIComponent('stone.EXAMPLE')}`, undefined, tokens[who]);
        expect({ who, status: found.status, ids: (found.body['items'] as { id: string }[]).map((c) => c.id) }).toEqual({ who, status: 200, ids: [id] });
      }
      expect((await request('GET', `/api/contacts/${id}`, undefined, tokens['carol'])).body).toMatchObject({ id, name: 'Eli Stone' });

      const changed = await request('PATCH', `/api/contacts/${id}`, { notes: 'prefers phone', expectedVersion: 1 }, tokens['bob']);
      expect(changed).toMatchObject({ status: 200, body: { notes: 'prefers phone', updatedBy: 'bob', version: 2 } });
      expect(await request('PATCH', `/api/contacts/${id}`, { notes: 'stale', expectedVersion: 1 }, tokens['ada'])).toMatchObject({
        status: 409,
        body: { code: 'contact-changed' },
      });

      const bad = await request('POST', '/api/contacts', { name: '', emails: ['nope'], phones: ['call me'], xUserId: 'abc', extra: 1 }, tokens['ada']);
      expect(bad.status).toBe(400);
      expect((bad.body['problems'] as { field: string }[]).map((p) => p.field).sort()).toEqual(['emails', 'extra', 'name', 'phones', 'xUserId']);
      expect(await request('POST', '/api/contacts', { name: 'Eli twice', xUserId: author.id }, tokens['ada'])).toMatchObject({
        status: 409,
        body: { code: 'contact-x-user-taken' },
      });
      expect(await request('PATCH', `/api/contacts/${id}`, { xHandle: null, xUserId: null }, tokens['ada'])).toMatchObject({
        status: 200,
        body: { xHandle: null, xUserId: null, version: 3 },
      });
      expect(await request('GET', `/api/contacts/${newId()}`, undefined, tokens['ada'])).toMatchObject({ status: 404, body: { code: 'contact-not-found' } });
      // Only an admin deletes one (a data-protection request).
      for (const who of ['ada', 'carol']) {
        expect(await request('DELETE', `/api/contacts/${id}`, undefined, tokens[who])).toMatchObject({ status: 403, body: { code: 'role-required' } });
      }
      expect((await request('DELETE', `/api/contacts/${id}`, undefined, tokens['dana'])).status).toBe(204);
      expect(await request('GET', `/api/contacts/${id}`, undefined, tokens['ada'])).toMatchObject({ status: 404 });
      expect(await request('DELETE', `/api/contacts/${id}`, undefined, tokens['dana'])).toMatchObject({ status: 404, body: { code: 'contact-not-found' } });
      expect(await request('GET', '/api/contacts/not-a-uuid', undefined, tokens['ada'])).toMatchObject({ status: 400 });
      expect(await request('GET', '/api/contacts?limit=0', undefined, tokens['ada'])).toMatchObject({ status: 400 });

      const audit = await testbed.audit.query({ action: 'contact-create' });
      expect(audit.entries.map((entry) => [entry.actor.id, entry.outcome, entry.code ?? null])).toEqual(
        expect.arrayContaining([
          ['ada', 'succeeded', null],
          ['ada', 'refused', 'contact-x-user-taken'],
        ]),
      );
    });
  });

  describe('from an interaction', () => {
    it("matches the customer's contact for the holder and supervisors, saves a new one from the X author, and refuses another agent", async () => {
      const author = newAuthor();
      const id = await held('ada', tweetBy(author));
      expect(await request('GET', `/api/interactions/${id}/contact`, undefined, tokens['ada'])).toEqual({
        status: 200,
        body: { contact: null, author: { xUserId: author.id, xHandle: author.username, name: author.name } },
      });
      expect(await request('GET', `/api/interactions/${id}/contact`, undefined, tokens['bob'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
      expect(await request('POST', `/api/interactions/${id}/contact`, { emails: ['x@y.example'] }, tokens['bob'])).toMatchObject({ status: 403 });

      const saved = await request('POST', `/api/interactions/${id}/contact`, { emails: ['cust@example.com'], notes: 'from the tweet' }, tokens['ada']);
      expect(saved).toMatchObject({ status: 201, body: { name: author.name, xUserId: author.id, xHandle: author.username, emails: ['cust@example.com'] } });
      expect((await request('GET', `/api/interactions/${id}/contact`, undefined, tokens['carol'])).body).toMatchObject({ contact: { id: saved.body['id'] } });
      expect(await request('POST', `/api/interactions/${id}/contact`, {}, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'contact-x-user-taken' } });
    });

    it('emails the contact once per idempotency key through SMTP, keeps it in the transcript and the audit, and the mailbox shows it', async () => {
      const author = newAuthor();
      const id = await held('ada', tweetBy(author));
      const key = newId();
      const email = { subject: 'Your order', text: 'Hello,\nit ships today.', idempotencyKey: key };

      expect(await request('POST', `/api/interactions/${id}/email`, email, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'no-contact' } });
      const contact = await request('POST', `/api/interactions/${id}/contact`, { phones: ['+44 20 7946 0000'] }, tokens['ada']);
      expect(await request('POST', `/api/interactions/${id}/email`, email, tokens['ada'])).toMatchObject({ status: 409, body: { code: 'contact-has-no-email' } });
      await request('PATCH', `/api/contacts/${String(contact.body['id'])}`, { emails: ['first@example.com', 'second@example.com'] }, tokens['ada']);
      expect(await request('POST', `/api/interactions/${id}/email`, { ...email, to: 'stranger@example.com' }, tokens['ada'])).toMatchObject({
        status: 409,
        body: { code: 'contact-has-no-email' },
      });

      const before = (await mailbox.list(1000)).length;
      const sent = await request('POST', `/api/interactions/${id}/email`, { ...email, to: 'SECOND@example.com' }, tokens['ada']);
      expect(sent).toMatchObject({
        status: 201,
        body: { replayed: false, entry: { kind: 'email', to: 'second@example.com', subject: 'Your order', status: 'sent', agentId: 'ada', messageId: expect.any(String) } },
      });
      const retried = await request('POST', `/api/interactions/${id}/email`, { ...email, to: 'SECOND@example.com' }, tokens['ada']);
      expect(retried).toMatchObject({ status: 201, body: { replayed: true, requestId: sent.body['requestId'] } });
      expect(await request('POST', `/api/interactions/${id}/email`, { ...email, text: 'something else' }, tokens['ada'])).toMatchObject({
        status: 409,
        body: { code: 'idempotency-key-reused' },
      });
      const caught = (await mailbox.list(1000)).filter((mail) => mail.perchHeaders['x-perch-interaction-id'] === id);
      expect(caught).toHaveLength(1);
      expect((await mailbox.list(1000)).length).toBe(before + 1);
      expect(caught[0]).toMatchObject({ to: 'second@example.com', subject: 'Your order', text: 'Hello,\nit ships today.', from: '"Perch Air Care" <care@perchair.example>' });

      const view = await request('GET', `/api/interactions/${id}`, undefined, tokens['ada']);
      expect((view.body['transcript'] as { kind: string }[]).filter((entry) => entry.kind === 'email')).toEqual([sent.body['entry']]);
      const audit = await testbed.audit.query({ action: 'email', interactionId: id });
      expect(audit.entries.map((entry) => [entry.outcome, entry.code ?? null]).sort()).toEqual(
        [
          ['refused', 'contact-has-no-email'],
          ['refused', 'contact-has-no-email'],
          ['refused', 'idempotency-key-reused'],
          ['refused', 'no-contact'],
          ['succeeded', null],
          ['succeeded', null],
        ].sort(),
      );
    });

    it('refuses an email from another agent, from an agent only offered the interaction, and without an idempotency key', async () => {
      const author = newAuthor();
      const message = tweetBy(author);
      const id = await held('ada', message);
      await request('POST', `/api/interactions/${id}/contact`, { emails: ['c@example.com'] }, tokens['ada']);
      const email = { subject: 'Hi', text: 'Hello', idempotencyKey: newId() };
      expect(await request('POST', `/api/interactions/${id}/email`, email, tokens['bob'])).toMatchObject({ status: 403, body: { code: 'not-your-interaction' } });
      expect(await request('POST', `/api/interactions/${id}/email`, email, tokens['carol'])).toMatchObject({ status: 403 });
      const missing = await request('POST', `/api/interactions/${id}/email`, { subject: '', text: 'Hello' }, tokens['ada']);
      expect(missing.status).toBe(400);
      expect((missing.body['problems'] as { field: string }[]).map((p) => p.field).sort()).toEqual(['idempotencyKey', 'subject']);

      const { interactionId: offered } = await testbed.router.offer({ agentId: 'bob', message: tweetBy(author), classification: CLASSIFICATION });
      await waitFor('the offer in the store', async () => (await testbed.store.get(offered))?.agentId === 'bob');
      expect(await request('POST', `/api/interactions/${offered}/email`, email, tokens['bob'])).toMatchObject({ status: 409, body: { code: 'not-accepted' } });
      expect(await mailbox.list(1000).then((mails) => mails.filter((mail) => mail.perchHeaders['x-perch-interaction-id'] === id))).toEqual([]);
    });

    it('publishes one call request per idempotency key on telephony.call-request.v1, kept in the transcript; 409 without a phone', async () => {
      const author = newAuthor();
      const id = await held('bob', tweetBy(author));
      const contact = await request('POST', `/api/interactions/${id}/contact`, { name: 'Fay Caller' }, tokens['bob']);
      const key = newId();
      expect(await request('POST', `/api/interactions/${id}/call`, { idempotencyKey: key }, tokens['bob'])).toMatchObject({ status: 409, body: { code: 'contact-has-no-phone' } });
      await request('PATCH', `/api/contacts/${String(contact.body['id'])}`, { phones: ['+33 6 12 34 56 78'] }, tokens['bob']);
      expect(await request('POST', `/api/interactions/${id}/call`, { idempotencyKey: key }, tokens['ada'])).toMatchObject({ status: 403 });
      expect(await request('POST', `/api/interactions/${id}/call`, { idempotencyKey: key, phone: 'ring ring' }, tokens['bob'])).toMatchObject({ status: 400 });

      const socket = await AgentSocketProbe.connect(testbed.baseUrl, tokens['bob'] ?? '');
      let pushed: unknown;
      try {
        const asked = await request('POST', `/api/interactions/${id}/call`, { idempotencyKey: key, reason: 'refund details' }, tokens['bob']);
        expect(asked).toMatchObject({ status: 202, body: { replayed: false, entry: { kind: 'call-request', phone: '+33612345678', text: 'refund details', agentId: 'bob' } } });
        pushed = (await socket.next('channel-entry-added', (m) => m.interactionId === id)).entry;
        expect(pushed).toEqual(asked.body['entry']);
      } finally {
        await socket.close();
      }
      const asked = await request('POST', `/api/interactions/${id}/call`, { idempotencyKey: key, reason: 'refund details' }, tokens['bob']);
      expect(asked).toMatchObject({ status: 202, body: { replayed: true, entry: pushed } });
      expect(asked.body['callRequestId']).toBe((pushed as { callRequestId: string }).callRequestId);
      await waitFor('the call request on its topic', async () => calls.some((event) => event.payload.interactionId === id));
      const published = calls.filter((event) => event.payload.interactionId === id);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        eventId: asked.body['callRequestId'],
        payload: { callRequestId: asked.body['callRequestId'], contactId: contact.body['id'], agentId: 'bob', brandAccountId: PERCH_AIR.id, phone: '+33612345678', contactName: 'Fay Caller', reason: 'refund details' },
      });
      const view = await request('GET', `/api/interactions/${id}`, undefined, tokens['bob']);
      expect((view.body['transcript'] as { kind: string }[]).filter((entry) => entry.kind === 'call-request')).toEqual([asked.body['entry']]);
      expect((await testbed.audit.query({ action: 'call-request', interactionId: id })).entries.map((entry) => entry.outcome).sort()).toEqual([
        'refused',
        'refused',
        'refused',
        'succeeded',
        'succeeded',
      ]);
    });

    it("shows the customer's earlier tweets and DMs with dispositions, notes and handlers, newest first, only of the caller's brands", async () => {
      const author = newAuthor();
      const earlier = [
        { message: tweetBy(author), at: 1000, completion: { agentId: 'bob', at: 1500, disposition: 'refund', note: 'refunded €20' } },
        { message: tweetBy(author, PERCH_AIR, 'dm'), at: 2000, completion: { agentId: 'ada', at: 2500, disposition: 'info' } },
        { message: tweetBy(author, PERCH_RAIL), at: 3000, completion: { agentId: 'rail', at: 3500, disposition: 'late-train' } },
      ];
      const ids: string[] = [];
      for (const { message, at, completion } of earlier) {
        const interactionId = newId();
        ids.push(interactionId);
        const base = { interactionId, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, correlationId: newId(), priority: 1 };
        await testbed.store.applyHeader({ ...base, state: 'created', firstMessage: message, classification: CLASSIFICATION, at });
        await testbed.store.applyHeader({ ...base, state: 'completed', assignment: { agentId: completion.agentId, offerId: null, offerExpiresAt: null }, completion, at: completion.at });
      }
      const current = await held('ada', tweetBy(author));

      const history = await request('GET', `/api/interactions/${current}/history`, undefined, tokens['ada']);
      expect(history.status).toBe(200);
      expect(history.body['customer']).toEqual({ xUserId: author.id, xHandle: author.username });
      const items = history.body['items'] as { id: string; channel: string; completion: unknown; handledBy: string[]; brandUsername: string }[];
      // Ada may act for PerchAir only: the PerchRail interaction is not hers to read; the open one is left out.
      expect(items.map((item) => item.id)).toEqual([ids[1], ids[0]]);
      expect(items[0]).toMatchObject({ channel: 'dm', kind: 'dm', completion: { disposition: 'info' }, handledBy: ['ada'], brandUsername: 'PerchAir' });
      expect(items[1]).toMatchObject({ channel: 'public', completion: { agentId: 'bob', disposition: 'refund', note: 'refunded €20' }, handledBy: ['bob'], createdAt: 1000 });

      const paged = await request('GET', `/api/interactions/${current}/history?limit=1`, undefined, tokens['ada']);
      expect((paged.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([ids[1]]);
      const next = await request('GET', `/api/interactions/${current}/history?limit=1&cursor=${String(paged.body['nextCursor'])}`, undefined, tokens['ada']);
      expect((next.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([ids[0]]);
      expect(next.body['nextCursor']).toBeUndefined();

      // The admin is granted every brand; another agent may not read Ada's interaction's history at all.
      const all = await request('GET', `/api/interactions/${current}/history`, undefined, tokens['dana']);
      expect((all.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(await request('GET', `/api/interactions/${current}/history`, undefined, tokens['bob'])).toMatchObject({ status: 403 });
      expect(await request('GET', `/api/interactions/${current}/history?cursor=garbage`, undefined, tokens['ada'])).toMatchObject({ status: 400 });

      // By contact: the same interactions, the open one included, within the caller's grants.
      const contact = await request('POST', `/api/interactions/${current}/contact`, {}, tokens['ada']);
      const byContact = await request('GET', `/api/contacts/${String(contact.body['id'])}/history`, undefined, tokens['rail']);
      expect((byContact.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([ids[2]]);
      const byContactAda = await request('GET', `/api/contacts/${String(contact.body['id'])}/history`, undefined, tokens['ada']);
      expect((byContactAda.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([current, ids[1], ids[0]]);
    });
  });

  describe('the embedded mailbox', () => {
    it('is for admins only', async () => {
      for (const who of ['ada', 'carol']) {
        expect(await request('GET', '/api/dev/mailbox', undefined, tokens[who])).toMatchObject({ status: 403, body: { code: 'role-required' } });
      }
      const listed = await request('GET', '/api/dev/mailbox?limit=5', undefined, tokens['dana']);
      expect(listed).toMatchObject({ status: 200, body: { location: join(dir, 'mailbox') } });
      expect(Array.isArray(listed.body['items'])).toBe(true);
    });
  });
});

describe('Contacts without a mail transport or a mailbox', () => {
  let testbed: GatewayTestbed;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR],
      agents: [
        { id: 'ada', displayName: 'Ada', password: 'ada pw', brands: [PERCH_AIR.username] },
        { id: 'dana', displayName: 'Dana', password: 'dana pw', role: 'admin', brands: ['*'] },
      ],
      options: { run: { outboundWorker: false }, consistencyWaitMs: 200 },
    });
  });

  afterAll(async () => {
    await testbed?.close();
  });

  it('refuses an email with 409 mail-not-configured, sending and claiming nothing, and has no mailbox (404)', async () => {
    const token = await signIn('ada', 'ada pw');
    const author = newAuthor();
    const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: tweetBy(author), classification: CLASSIFICATION });
    await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.agentId === 'ada');
    await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
    await waitFor('accepted', async () => (await testbed.store.get(interactionId))?.state === 'active');
    await request('POST', `/api/interactions/${interactionId}/contact`, { emails: ['c@example.com'] }, token);
    const email = { subject: 'Hi', text: 'Hello', idempotencyKey: newId() };
    expect(await request('POST', `/api/interactions/${interactionId}/email`, email, token)).toMatchObject({ status: 409, body: { code: 'mail-not-configured' } });
    expect((await testbed.store.get(interactionId))?.transcript.filter((entry) => entry.kind === 'email')).toEqual([]);
    expect(await request('GET', '/api/dev/mailbox', undefined, await signIn('dana', 'dana pw'))).toMatchObject({ status: 404, body: { code: 'mailbox-unavailable' } });
  });
});

describe('Email when the mail server is down or refuses', () => {
  let testbed: GatewayTestbed;
  let dir: string;
  let port: number;
  let catcher: SmtpCatcher | null = null;
  let mailbox: FileCaughtMailbox;
  let sender: SmtpMailSender;
  const { request, signIn } = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perch-contacts-down-'));
    mailbox = new FileCaughtMailbox(join(dir, 'mailbox'));
    // A port that was free a moment ago: the server is "down" until a catcher listens there again.
    const probe = new SmtpCatcher({ mailbox, port: 0 });
    port = await probe.start();
    await probe.stop();
    sender = new SmtpMailSender({ global: { url: `smtp://127.0.0.1:${port}`, from: 'care@perchair.example' }, brands: {} });
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [PERCH_AIR],
      agents: [{ id: 'ada', displayName: 'Ada', password: 'ada pw', brands: [PERCH_AIR.username] }],
      contacts: { store: new MemoryContactStore(), ledger: new MemoryOutreachLedger(), mail: sender, mailbox },
      options: { run: { outboundWorker: false }, consistencyWaitMs: 200 },
    });
  });

  afterAll(async () => {
    await testbed?.close();
    await sender?.close();
    await catcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function heldWithContact(token: string): Promise<string> {
    const { interactionId, offerId } = await testbed.router.offer({ agentId: 'ada', message: tweetBy(newAuthor()), classification: CLASSIFICATION });
    await waitFor('the offer in the store', async () => (await testbed.store.get(interactionId))?.agentId === 'ada');
    await request('POST', `/api/interactions/${interactionId}/accept`, { offerId }, token);
    await waitFor('accepted', async () => (await testbed.store.get(interactionId))?.state === 'active');
    await request('POST', `/api/interactions/${interactionId}/contact`, { emails: ['c@example.com'] }, token);
    return interactionId;
  }

  it('answers 503 mail-unavailable while the server is unreachable, and the same key sends once the server is back', async () => {
    const token = await signIn('ada', 'ada pw');
    const id = await heldWithContact(token);
    const email = { subject: 'Down?', text: 'Hello', idempotencyKey: newId() };
    expect(await request('POST', `/api/interactions/${id}/email`, email, token)).toMatchObject({ status: 503, body: { code: 'mail-unavailable' } });
    expect((await testbed.store.get(id))?.transcript.filter((entry) => entry.kind === 'email')).toEqual([]);

    catcher = new SmtpCatcher({ mailbox, port });
    await catcher.start();
    expect(await request('POST', `/api/interactions/${id}/email`, email, token)).toMatchObject({ status: 201, body: { replayed: false, entry: { status: 'sent' } } });
    expect(await request('POST', `/api/interactions/${id}/email`, email, token)).toMatchObject({ status: 201, body: { replayed: true } });
    expect((await mailbox.list(100)).filter((mail) => mail.perchHeaders['x-perch-interaction-id'] === id)).toHaveLength(1);
  });

  it('keeps a refusal in the transcript and answers it again to a retry, sending nothing', async () => {
    const token = await signIn('ada', 'ada pw');
    const id = await heldWithContact(token);
    // The server now takes nothing over 500 bytes: it refuses (552) after the message was sent to it.
    await catcher?.stop();
    catcher = new SmtpCatcher({ mailbox, port, maxBytes: 500 });
    await catcher.start();
    const email = { subject: 'Too big', text: 'x'.repeat(5000), idempotencyKey: newId() };
    const refused = await request('POST', `/api/interactions/${id}/email`, email, token);
    expect(refused).toMatchObject({ status: 409, body: { code: 'mail-refused' } });
    expect(await request('POST', `/api/interactions/${id}/email`, email, token)).toMatchObject({ status: 409, body: { code: 'mail-refused' } });
    const entries = (await testbed.store.get(id))?.transcript.filter((entry) => entry.kind === 'email');
    expect(entries).toEqual([expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'mail-refused' }) })]);
    expect((await mailbox.list(100)).filter((mail) => mail.perchHeaders['x-perch-interaction-id'] === id)).toEqual([]);
  });
});
