import { randomUUID } from 'node:crypto';

import { type InteractionStore } from '../view/interaction-store.port';
import { type AgentActionEntry, type ConsultationEntry } from '../view/interaction-view.types';
import {
  actionEntryFromCompleted,
  customerEntryFromLifecycle,
  customerEntryFromMessage,
  pendingActionEntry,
} from '../view/interaction-view.util';
import {
  buildClassification,
  buildCompleted,
  buildLifecycle,
  buildMessage,
  correctionUpdate,
  headerUpdate,
  nextTweetId as nextId,
} from './interaction.fixtures';
import { type StoreHarness, useStartedStore } from './started-store.fixtures';

export type InteractionStoreHarness = StoreHarness<InteractionStore>;

/** Behaviour every InteractionStore adapter must show; run by each adapter's spec. */
export function describeInteractionStoreContract(name: string, factory: () => Promise<InteractionStoreHarness>): void {
  describe(`InteractionStore contract: ${name}`, () => {
    let store: InteractionStore;
    useStartedStore(factory, (opened) => (store = opened));

    it('returns null for an interaction it never heard of', async () => {
      expect(await store.get(randomUUID())).toBeNull();
    });

    it('creates the view from the first routing event, with the first message, its author and classification', async () => {
      const id = randomUUID();
      const message = buildMessage();
      const update = headerUpdate('created', { interactionId: id, message });
      await store.applyHeader(update);
      await store.upsertEntries(id, [customerEntryFromMessage(message)]);

      const view = await store.get(id);
      expect(view).toMatchObject({
        id,
        state: 'created',
        agentId: null,
        brandAccountId: '1001',
        conversationKey: message.conversationKey,
        correlationId: 'corr-1',
        createdAt: update.at,
        updatedAt: update.at,
      });
      expect(view?.firstMessage).toEqual(message);
      expect(view?.classification).toMatchObject({ sentiment: 'negative', actionability: 'actionable' });
      expect(view?.transcript).toEqual([customerEntryFromMessage(message)]);
    });

    it('follows offer, accept and completion, and lists the interaction under its agent until completed', async () => {
      const id = randomUUID();
      const offered = headerUpdate('offered', { interactionId: id, agentId: 'agent-7' }, 1000);
      await store.applyHeader(offered);
      expect(await store.get(id)).toMatchObject({
        state: 'offered',
        agentId: 'agent-7',
        offerId: offered.assignment?.offerId,
        offerExpiresAt: offered.assignment?.offerExpiresAt,
      });

      await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 2000));
      expect(await store.get(id)).toMatchObject({ state: 'active', agentId: 'agent-7', offerId: null, updatedAt: 2000 });
      expect((await store.listByAgent('agent-7')).map((view) => view.id)).toEqual([id]);

      await store.applyHeader(headerUpdate('completed', { interactionId: id, agentId: 'agent-7' }, 3000));
      expect(await store.get(id)).toMatchObject({ state: 'completed', agentId: 'agent-7' });
      expect(await store.listByAgent('agent-7')).toEqual([]);
      expect((await store.listByAgent('agent-7', { includeCompleted: true })).map((view) => view.id)).toEqual([id]);
    });

    it('keeps how the agent closed the interaction: disposition and note, first completion kept on redelivery', async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 1000));
      expect((await store.get(id))?.completion).toBeNull();
      const completed = headerUpdate('completed', { interactionId: id, agentId: 'agent-7', disposition: 'rebooked', note: 'bag “on” LIS ✓' }, 2000);
      await store.applyHeader(completed);
      await store.applyHeader(headerUpdate('completed', { interactionId: id, agentId: 'agent-7', disposition: 'other', note: 'later' }, 3000));
      expect((await store.get(id))?.completion).toEqual({ agentId: 'agent-7', at: 2000, disposition: 'rebooked', note: 'bag “on” LIS ✓' });
    });

    it('hands a declined or timed-out offer back to the queue, away from the agent', async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('offered', { interactionId: id, agentId: 'agent-7' }, 1000));
      await store.applyHeader(headerUpdate('offer-timed-out', { interactionId: id, agentId: 'agent-7' }, 2000));
      expect(await store.get(id)).toMatchObject({ state: 'queued', agentId: null, offerId: null });
      expect(await store.listByAgent('agent-7')).toEqual([]);
    });

    it('never reopens a completed interaction when earlier events are redelivered', async () => {
      const id = randomUUID();
      const events = [
        headerUpdate('created', { interactionId: id }, 1000),
        headerUpdate('offered', { interactionId: id, agentId: 'agent-7' }, 2000),
        headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 3000),
        headerUpdate('completed', { interactionId: id, agentId: 'agent-7' }, 4000),
      ];
      for (const event of [...events, ...events]) await store.applyHeader(event);
      expect(await store.get(id)).toMatchObject({ state: 'completed', agentId: 'agent-7', createdAt: 1000, updatedAt: 4000 });
    });

    it("starts a new interaction as 'created', and a 'created' read after its offer leaves it offered (ADR 35)", async () => {
      const fresh = randomUUID();
      await store.applyHeader(headerUpdate('created', { interactionId: fresh }, 1000));
      expect(await store.get(fresh)).toMatchObject({ state: 'created', agentId: null, createdAt: 1000 });

      // Two router replicas: one relays the offer, the other the creation a moment later.
      const id = randomUUID();
      const message = buildMessage();
      await store.applyHeader(headerUpdate('offered', { interactionId: id, agentId: 'agent-7', message }, 2000));
      await store.applyHeader(headerUpdate('created', { interactionId: id, message }, 1000));
      expect(await store.get(id)).toMatchObject({ state: 'offered', agentId: 'agent-7', createdAt: 1000, updatedAt: 2000 });
    });

    it('keeps the first message first when later messages arrive', async () => {
      const id = randomUUID();
      const first = buildMessage({ text: 'first' });
      const later = buildMessage({ text: 'second', conversationKey: first.conversationKey });
      await store.applyHeader(headerUpdate('created', { interactionId: id, message: first }));
      await store.applyHeader(headerUpdate('message-added', { interactionId: id, message: later }));
      expect((await store.get(id))?.firstMessage?.text).toBe('first');
    });

    it('keeps the state when a message is added to an open conversation', async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 1000));
      await store.applyHeader(headerUpdate('message-added', { interactionId: id }, 2000));
      expect(await store.get(id)).toMatchObject({ state: 'active', agentId: 'agent-7', updatedAt: 2000 });
    });

    it('stores a redelivered customer message once', async () => {
      const id = randomUUID();
      const message = buildMessage();
      await store.applyHeader(headerUpdate('created', { interactionId: id, message }));
      await store.upsertEntries(id, [customerEntryFromMessage(message)]);
      await store.upsertEntries(id, [customerEntryFromMessage(message)]);
      expect((await store.get(id))?.transcript).toHaveLength(1);
    });

    it('orders the transcript by time whatever the arrival order', async () => {
      const id = randomUUID();
      const early = buildMessage({ createdAt: new Date(1000).toISOString(), text: 'early' });
      const late = buildMessage({ createdAt: new Date(3000).toISOString(), text: 'late' });
      await store.applyHeader(headerUpdate('created', { interactionId: id, message: early }));
      await store.upsertEntries(id, [customerEntryFromMessage(late)]);
      await store.upsertEntries(id, [pendingActionEntry({ commandId: randomUUID(), action: 'reply', agentId: 'a', text: 'reply', requestedAt: 2000 })]);
      await store.upsertEntries(id, [customerEntryFromMessage(early)]);
      const texts = (await store.get(id))?.transcript.map((entry) => entry.text);
      expect(texts).toEqual(['early', 'reply', 'late']);
    });

    it("turns a pending reply into X's answer in place, and a late pending write cannot undo it", async () => {
      const id = randomUUID();
      const commandId = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id }));
      const pending = pendingActionEntry({ commandId, action: 'reply', agentId: 'agent-1', text: '@dana hi', inReplyToTweetId: '5', requestedAt: 1500 });
      await store.upsertEntries(id, [pending]);
      const sent = actionEntryFromCompleted(buildCompleted({ commandId, interactionId: id, tweetId: '77', completedAt: 1900 }));
      await store.upsertEntries(id, [sent]);
      await store.upsertEntries(id, [pending]);

      const transcript = (await store.get(id))?.transcript ?? [];
      expect(transcript).toHaveLength(1);
      expect(transcript[0]).toMatchObject<Partial<AgentActionEntry>>({ status: 'sent', tweetId: '77', at: 1500 });
    });

    it('shows that X made an action wait, over the pending entry, until the final answer replaces it', async () => {
      const id = randomUUID();
      const commandId = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id }));
      const pending = pendingActionEntry({ commandId, action: 'dm', agentId: 'agent-1', text: 'hi', participantId: '9', requestedAt: 1500 });
      const waiting = actionEntryFromCompleted(
        buildCompleted({
          commandId,
          interactionId: id,
          kind: 'dm',
          status: 'waiting',
          retryAt: 900_000,
          failure: { code: 'x-rate-limited', detail: "waiting for X's rate-limit window" },
          completedAt: 1600,
        }),
      );
      // Arrival out of order: the worker's "waiting" can land before the gateway's own pending write.
      await store.upsertEntries(id, [waiting]);
      await store.upsertEntries(id, [pending]);
      expect((await store.get(id))?.transcript[0]).toMatchObject<Partial<AgentActionEntry>>({ status: 'waiting', retryAt: 900_000 });

      const sent = actionEntryFromCompleted(buildCompleted({ commandId, interactionId: id, kind: 'dm', dmEventId: '88', completedAt: 901_000 }));
      await store.upsertEntries(id, [sent]);
      await store.upsertEntries(id, [waiting]);
      const transcript = (await store.get(id))?.transcript ?? [];
      expect(transcript).toHaveLength(1);
      expect(transcript[0]).toMatchObject<Partial<AgentActionEntry>>({ status: 'sent', dmEventId: '88' });
    });

    it("keeps X's refusal with its reason", async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id }));
      const failed = actionEntryFromCompleted(
        buildCompleted({
          interactionId: id,
          status: 'failed',
          tweetId: undefined,
          failure: { code: 'x-refused', detail: 'You are not allowed to create a Tweet with duplicate content.', httpStatus: 403 },
        }),
      );
      await store.upsertEntries(id, [failed]);
      expect((await store.get(id))?.transcript[0]).toMatchObject({
        status: 'failed',
        failure: { code: 'x-refused', detail: 'You are not allowed to create a Tweet with duplicate content.', httpStatus: 403 },
      });
    });

    it('keeps a reply outcome that arrives before the interaction itself', async () => {
      const id = randomUUID();
      await store.upsertEntries(id, [actionEntryFromCompleted(buildCompleted({ interactionId: id }))]);
      expect(await store.get(id)).toBeNull();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id }));
      expect((await store.get(id))?.transcript).toHaveLength(1);
    });

    it('lists an agent’s interactions most recently updated first, up to the limit', async () => {
      const agentId = `agent-${randomUUID().slice(0, 8)}`;
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const [index, id] of ids.entries()) {
        await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId }, 1000 + index));
      }
      expect((await store.listByAgent(agentId)).map((view) => view.id)).toEqual([...ids].reverse());
      expect((await store.listByAgent(agentId, { limit: 2 })).map((view) => view.id)).toEqual([ids[2], ids[1]]);
    });

    it("lists a customer's interactions (tweets and DMs) newest first, by brand, without the one left out, a page after a key", async () => {
      const customer = `9${Date.now()}${Math.floor(Math.random() * 1000)}`;
      const author = { ...buildMessage().author, id: customer, username: 'history_me' };
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const kinds = ['mention', 'dm', 'reply', 'mention'] as const;
      for (const [index, id] of ids.entries()) {
        const message = buildMessage({ author, kind: kinds[index], brandAccountId: index === 3 ? '2002' : '1001' });
        await store.applyHeader(headerUpdate('created', { interactionId: id, message, brandAccountId: message.brandAccountId }, 1000 + index));
      }
      await store.applyHeader(headerUpdate('completed', { interactionId: ids[0], agentId: 'agent-3', disposition: 'refund', note: 'refunded' }, 5000));
      await store.applyHeader(headerUpdate('created', { interactionId: randomUUID() }, 1500));

      const all = await store.listByCustomer(customer);
      expect(all.map((view) => view.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
      expect(all[3]?.completion).toMatchObject({ agentId: 'agent-3', disposition: 'refund', note: 'refunded' });
      expect(all[2]?.firstMessage?.kind).toBe('dm');
      expect((await store.listByCustomer(customer, { brandAccountIds: ['1001'], excludeId: ids[2] })).map((view) => view.id)).toEqual([ids[1], ids[0]]);
      expect((await store.listByCustomer(customer, { brandAccountIds: [] })).map((view) => view.id)).toEqual([]);
      const first = await store.listByCustomer(customer, { limit: 2 });
      const last = first[first.length - 1];
      expect(first.map((view) => view.id)).toEqual([ids[3], ids[2]]);
      const next = await store.listByCustomer(customer, { limit: 2, ...(last ? { before: { createdAt: last.createdAt, id: last.id } } : {}) });
      expect(next.map((view) => view.id)).toEqual([ids[1], ids[0]]);
    });

    it('lists the open interactions an agent was consulted about, newest first, with only the consultations by or to it, a page after a key', async () => {
      const me = `agent-${randomUUID().slice(0, 8)}`;
      const holder = `agent-${randomUUID().slice(0, 8)}`;
      const consultation = (at: number, fromAgentId: string, withAgentId: string, text: string): ConsultationEntry => {
        const consultationId = randomUUID();
        return { kind: 'consultation', entryId: `con:${consultationId}`, at, consultationId, fromAgentId, withAgentId, text };
      };
      const [older, newer, done, notMe] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const id of [older, newer, done, notMe]) await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: holder }, 1000));
      const asked = consultation(2000, holder, me, 'is this a refund case?');
      const answered = consultation(2100, me, holder, 'yes, under 30 days');
      const others = consultation(2050, holder, 'agent-someone-else', 'and you?');
      await store.upsertEntries(older, [asked, answered, others]);
      const latest = consultation(3000, holder, me, 'VIP customer, please look');
      await store.upsertEntries(newer, [latest]);
      await store.upsertEntries(done, [consultation(4000, holder, me, 'closed since')]);
      await store.applyHeader(headerUpdate('completed', { interactionId: done, agentId: holder }, 4100));
      // Only what I said to someone, nobody consulting me: not a consultation addressed to me.
      await store.upsertEntries(notMe, [consultation(5000, me, holder, 'can I help?')]);

      const threads = await store.listConsultations(me);
      expect(threads.map((thread) => thread.interaction.id)).toEqual([newer, older]);
      expect(threads[0]).toEqual({ interaction: expect.objectContaining({ id: newer, agentId: holder, state: 'active' }), consultations: [latest], latestAt: 3000 });
      expect(threads[1]?.consultations).toEqual([answered, asked]);
      expect(threads[1]?.interaction).not.toHaveProperty('transcript');
      // My answers are consultations addressed to the holder: its list has them, with its own question to a third.
      const holders = await store.listConsultations(holder);
      expect(holders.map((thread) => thread.interaction.id)).toEqual([notMe, older]);
      expect(holders[1]?.consultations).toEqual([answered, others, asked]);
      expect(await store.listConsultations(`agent-${randomUUID().slice(0, 8)}`)).toEqual([]);

      const first = await store.listConsultations(me, { limit: 1 });
      expect(first.map((thread) => thread.interaction.id)).toEqual([newer]);
      const next = await store.listConsultations(me, { limit: 1, before: { latestAt: 3000, id: newer } });
      expect(next.map((thread) => thread.interaction.id)).toEqual([older]);
      expect(await store.listConsultations(me, { before: { latestAt: 2100, id: older } })).toEqual([]);
    });

    it('keeps email and call-request entries in the transcript in time order, with their fields', async () => {
      const id = randomUUID();
      const message = buildMessage();
      await store.applyHeader(headerUpdate('created', { interactionId: id, message }));
      await store.upsertEntries(id, [customerEntryFromMessage(message)]);
      const at = Date.parse(message.createdAt);
      const email = {
        kind: 'email' as const,
        entryId: 'mail:r1',
        at: at + 10,
        requestId: 'r1',
        agentId: 'agent-1',
        contactId: randomUUID(),
        to: 'dana@example.com',
        subject: 'Your refund',
        text: 'Hello Dana',
        status: 'sent' as const,
        messageId: '<m1@perch>',
      };
      const call = { kind: 'call-request' as const, entryId: 'call:c1', at: at + 20, callRequestId: 'c1', agentId: 'agent-1', contactId: email.contactId, phone: '+33612345678', text: 'refund' };
      await store.upsertEntries(id, [call, email]);
      expect((await store.get(id))?.transcript.slice(1)).toEqual([email, call]);
    });

    it('keeps every write when many arrive at once for many interactions', async () => {
      const agentId = `agent-${randomUUID().slice(0, 8)}`;
      const ids = Array.from({ length: 300 }, () => randomUUID());
      await Promise.all(
        ids.flatMap((id, index) => {
          const message = buildMessage();
          return [
            store.applyHeader(headerUpdate('created', { interactionId: id, message }, 1000 + index)),
            store.applyHeader(headerUpdate('offered', { interactionId: id, agentId, message }, 2000 + index)),
            store.upsertEntries(id, [customerEntryFromMessage(message)]),
          ];
        }),
      );
      const listed = await store.listByAgent(agentId, { limit: 1000 });
      expect(listed).toHaveLength(ids.length);
      expect(listed.every((view) => view.state === 'offered' && view.transcript.length === 1)).toBe(true);
    });

    it("keeps each customer message's classification in the transcript", async () => {
      const id = randomUUID();
      const first = buildMessage();
      const later = buildMessage({ conversationKey: first.conversationKey, text: 'thanks, all sorted' });
      await store.applyHeader(headerUpdate('created', { interactionId: id, message: first }));
      const added = buildLifecycle('message-added', { interactionId: id, message: later, classification: buildClassification({ sentiment: 'positive' }) });
      const entry = customerEntryFromLifecycle(added);
      if (!entry) throw new Error('a message-added event carries its message');
      await store.upsertEntries(id, [entry]);
      expect((await store.get(id))?.transcript).toEqual([expect.objectContaining({ messageId: later.messageId, classification: buildClassification({ sentiment: 'positive' }) })]);
    });

    it("has no correction at first, then keeps an agent's correction of the first message's labels", async () => {
      const id = randomUUID();
      const message = buildMessage();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: 'agent-7', message, classification: buildClassification() }, 1000));
      expect((await store.get(id))?.classificationCorrection).toBeNull();

      const update = correctionUpdate({ interactionId: id, messageId: message.messageId, agentId: 'agent-7', corrected: { sentiment: 'neutral' }, correctedAt: 5000 });
      expect(await store.applyClassificationCorrection(update)).toBe(true);
      const view = await store.get(id);
      expect(view?.classificationCorrection).toEqual({ sentiment: 'neutral', agentId: 'agent-7', at: 5000, correctionId: update.correction.correctionId });
      // The model's labels stay as they were: the correction sits beside them.
      expect(view?.classification).toMatchObject({ sentiment: 'negative', actionability: 'actionable' });
      expect(view?.updatedAt).toBe(1000);
      expect((await store.listByAgent('agent-7'))[0]?.classificationCorrection).toMatchObject({ sentiment: 'neutral' });
    });

    it('merges corrections: the latest label of each kind wins, in partition order, in reverse, and with redeliveries', async () => {
      const message = buildMessage();
      const sentimentFirst = { messageId: message.messageId, corrected: { sentiment: 'positive' as const }, correctedAt: 1000, agentId: 'agent-1' };
      const bothLater = { messageId: message.messageId, corrected: { sentiment: 'neutral' as const, actionability: 'not-actionable' as const }, correctedAt: 2000, agentId: 'agent-2' };
      const actionabilityLast = { messageId: message.messageId, corrected: { actionability: 'actionable' as const }, correctedAt: 3000, agentId: 'agent-3' };
      const ids = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
      const views = [];
      for (const order of [['a', 'b', 'c'], ['c', 'b', 'a'], ['b', 'c', 'a', 'b', 'a']] as const) {
        const id = randomUUID();
        await store.applyHeader(headerUpdate('accepted', { interactionId: id, message }));
        const events = {
          a: correctionUpdate({ ...sentimentFirst, interactionId: id, correctionId: ids.a }),
          b: correctionUpdate({ ...bothLater, interactionId: id, correctionId: ids.b }),
          c: correctionUpdate({ ...actionabilityLast, interactionId: id, correctionId: ids.c }),
        };
        for (const key of order) await store.applyClassificationCorrection(events[key]);
        views.push((await store.get(id))?.classificationCorrection);
      }
      const expected = { sentiment: 'neutral', actionability: 'actionable', agentId: 'agent-3', at: 3000, correctionId: ids.c };
      expect(views).toEqual([expected, expected, expected]);
    });

    it('orders two corrections made in the same millisecond by their ids', async () => {
      const message = buildMessage();
      const [low, high] = [randomUUID(), randomUUID()].sort();
      const results = [];
      for (const order of [[low, high], [high, low]]) {
        const id = randomUUID();
        await store.applyHeader(headerUpdate('accepted', { interactionId: id, message }));
        for (const correctionId of order) {
          const sentiment = correctionId === high ? 'positive' : 'neutral';
          await store.applyClassificationCorrection(
            correctionUpdate({ interactionId: id, messageId: message.messageId, correctionId: correctionId ?? '', corrected: { sentiment }, correctedAt: 4000 }),
          );
        }
        results.push((await store.get(id))?.classificationCorrection);
      }
      expect(results[0]).toMatchObject({ sentiment: 'positive', correctionId: high });
      expect(results[1]).toEqual(results[0]);
    });

    it('takes a correction on a completed interaction, and routing events replayed later keep it', async () => {
      const id = randomUUID();
      const message = buildMessage();
      const events = [
        headerUpdate('offered', { interactionId: id, agentId: 'agent-7', message }, 1000),
        headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 2000),
        headerUpdate('completed', { interactionId: id, agentId: 'agent-7' }, 3000),
      ];
      for (const event of events) await store.applyHeader(event);
      await store.applyClassificationCorrection(correctionUpdate({ interactionId: id, messageId: message.messageId, corrected: { actionability: 'not-actionable' } }));
      for (const event of events) await store.applyHeader(event);
      expect(await store.get(id)).toMatchObject({ state: 'completed', classificationCorrection: { actionability: 'not-actionable' } });
    });

    it('leaves the view as it is for a correction of a later message, and reports an interaction it never heard of', async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('accepted', { interactionId: id, message: buildMessage() }));
      expect(await store.applyClassificationCorrection(correctionUpdate({ interactionId: id, messageId: nextId() }))).toBe(true);
      expect((await store.get(id))?.classificationCorrection).toBeNull();

      const unknown = randomUUID();
      expect(await store.applyClassificationCorrection(correctionUpdate({ interactionId: unknown }))).toBe(false);
      expect(await store.get(unknown)).toBeNull();
    });

    it('closes what a restart left open: every interaction not completed, and every action X never answered', async () => {
      const [queued, offered, active, done] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await store.applyHeader(headerUpdate('queued', { interactionId: queued }, 1000));
      await store.applyHeader(headerUpdate('offered', { interactionId: offered, agentId: 'agent-2' }, 1000));
      await store.applyHeader(headerUpdate('offered', { interactionId: active, agentId: 'agent-7' }, 1000));
      await store.applyHeader(headerUpdate('accepted', { interactionId: active, agentId: 'agent-7' }, 1100));
      await store.applyHeader(headerUpdate('accepted', { interactionId: done, agentId: 'agent-7' }, 1000));
      await store.applyHeader(headerUpdate('completed', { interactionId: done, agentId: 'agent-7', disposition: 'resolved' }, 1200));
      const pending = pendingActionEntry({ commandId: randomUUID(), action: 'reply', agentId: 'agent-7', text: '@dana hi', requestedAt: 1300 });
      const waiting: AgentActionEntry = { ...pendingActionEntry({ commandId: randomUUID(), action: 'dm', agentId: 'agent-7', requestedAt: 1310 }), status: 'waiting', retryAt: 9000 };
      const sent = actionEntryFromCompleted(buildCompleted({ interactionId: active, completedAt: 1320 }));
      await store.upsertEntries(active, [pending, waiting, sent]);
      // A pending action of a completed interaction will not be answered either.
      const late = pendingActionEntry({ commandId: randomUUID(), action: 'follow', agentId: 'agent-7', requestedAt: 1250 });
      await store.upsertEntries(done, [late]);

      const work = { at: 5000, note: 'Closed at restart', failure: { code: 'abandoned', detail: 'X may or may not have it' } };
      const closed = await store.abandonUnfinished(work);

      expect(closed).toEqual({ interactionIds: [queued, offered, active].sort(), actions: 3 });
      const completion = { agentId: null, at: 5000, note: 'Closed at restart' };
      expect(await store.get(queued)).toMatchObject({ state: 'completed', agentId: null, completion, updatedAt: 5000 });
      expect(await store.get(offered)).toMatchObject({ state: 'completed', agentId: null, offerId: null, offerExpiresAt: null, completion });
      const closedActive = await store.get(active);
      // Who held it keeps it in their history, not among their open work.
      expect(closedActive).toMatchObject({ state: 'completed', agentId: 'agent-7', completion });
      expect(await store.listByAgent('agent-7')).toEqual([]);
      expect((await store.listByAgent('agent-7', { includeCompleted: true })).map((view) => view.id).sort()).toEqual([active, done].sort());
      const failure = { code: 'abandoned', detail: 'X may or may not have it' };
      expect(closedActive?.transcript).toEqual([
        { ...pending, status: 'failed', failure, completedAt: 5000 },
        { ...pendingActionEntry({ commandId: waiting.commandId, action: 'dm', agentId: 'agent-7', requestedAt: 1310 }), status: 'failed', failure, completedAt: 5000 },
        sent,
      ]);
      expect(await store.get(done)).toMatchObject({ state: 'completed', completion: { agentId: 'agent-7', disposition: 'resolved' }, updatedAt: 1200 });
      expect((await store.get(done))?.transcript).toEqual([{ ...late, status: 'failed', failure, completedAt: 5000 }]);

      // Nothing is left to close, and what came before stays closed: a late event cannot reopen it.
      expect(await store.abandonUnfinished({ ...work, at: 6000 })).toEqual({ interactionIds: [], actions: 0 });
      await store.applyHeader(headerUpdate('offered', { interactionId: queued, agentId: 'agent-2' }, 7000));
      expect(await store.get(queued)).toMatchObject({ state: 'completed', agentId: null, completion });
    });

    it('closes writes it was given just before, not only what was already stored', async () => {
      const id = randomUUID();
      const written = store.applyHeader(headerUpdate('accepted', { interactionId: id, agentId: 'agent-7' }, 1000));
      const closed = await store.abandonUnfinished({ at: 2000, note: 'restart', failure: { code: 'abandoned', detail: 'gone' } });
      await written;
      expect(closed.interactionIds).toEqual([id]);
      expect(await store.get(id)).toMatchObject({ state: 'completed', agentId: 'agent-7' });
    });

    it('returns copies: changing a returned view does not change the store', async () => {
      const id = randomUUID();
      await store.applyHeader(headerUpdate('created', { interactionId: id }));
      const view = await store.get(id);
      if (view) view.state = 'completed';
      expect((await store.get(id))?.state).toBe('created');
    });
  });
}
