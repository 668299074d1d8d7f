import { ForbiddenError } from '@perch/agents';
import { Topics } from '@perch/contracts';
import { ConflictError, newId, NotFoundError, ValidationFailedError } from '@perch/platform';

import { agentProfile, seedInteraction, type UnitServices, unitServices, xUser } from '../testing/gateway-unit.fixtures';
import { InteractionsController } from './interactions.controller';

describe(InteractionsController.name, () => {
  let services: UnitServices;
  let controller: InteractionsController;
  const ada = agentProfile('ada');
  const bob = agentProfile('bob');

  beforeEach(() => {
    services = unitServices();
    controller = new InteractionsController(services.queries, services.commands, services.actions, services.profiles, services.corrections, services.consultations, services.dispositions);
  });

  describe('reading', () => {
    it("lists the interactions the agent holds, and not another agent's", async () => {
      const mine = await seedInteraction(services, { agentId: 'ada' });
      await seedInteraction(services, { agentId: 'bob' });
      expect((await controller.list(ada)).map((view) => view.id)).toEqual([mine.interactionId]);
    });

    it('answers an interaction the agent holds, with the customer message in its transcript', async () => {
      const { interactionId, message } = await seedInteraction(services, { agentId: 'ada' });
      const view = await controller.get(ada, interactionId);
      expect(view).toMatchObject({ id: interactionId, agentId: 'ada', state: 'active', brandAccountId: message.brandAccountId });
      expect(view.transcript).toContainEqual(expect.objectContaining({ kind: 'customer-message', messageId: message.messageId }));
    });

    it("refuses another agent's interaction with 403 not-your-interaction rather than hiding it", async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'bob' });
      await expect(controller.get(ada, interactionId)).rejects.toThrow(ForbiddenError);
      await expect(controller.get(ada, interactionId)).rejects.toMatchObject({ code: 'not-your-interaction' });
    });

    it('answers 404 interaction-not-found for an interaction nobody routed', async () => {
      await expect(controller.get(ada, newId())).rejects.toThrow(NotFoundError);
      await expect(controller.get(ada, newId())).rejects.toMatchObject({ code: 'interaction-not-found' });
    });

    it("answers the customer's profile as the brand sees it, from X once while cached, again when asked to refresh", async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      expect(await controller.customer(ada, interactionId)).toMatchObject({ id: '42', username: 'dana_flies', followsBrand: true, canDm: true });
      await controller.customer(ada, interactionId);
      expect(services.x.calls).toEqual([{ token: 'perchair-user-token', userId: '42' }]);
      await controller.customer(ada, interactionId, true);
      expect(services.x.calls).toHaveLength(2);
    });

    it("refuses the customer's profile of another agent's interaction without asking X", async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'bob' });
      await expect(controller.customer(ada, interactionId)).rejects.toMatchObject({ code: 'not-your-interaction' });
      expect(services.x.calls).toEqual([]);
    });
  });

  describe('deciding offers and finishing', () => {
    it("sends an accept or a decline of the agent's own live offer to the router, under the interaction's correlation id", async () => {
      // Issue 10: each agent decides only the offer made to them (before, any agent's decision of any offer id was sent on).
      const first = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      const second = await seedInteraction(services, { agentId: 'bob', offeredOnly: true });
      await controller.accept(ada, first.interactionId, { offerId: first.offerId });
      await controller.decline(bob, second.interactionId, { offerId: second.offerId });
      const commands = services.bus.on(Topics.AgentCommand);
      expect(commands.map((event) => event.payload)).toEqual([
        expect.objectContaining({ type: 'accept', agentId: 'ada', interactionId: first.interactionId, offerId: first.offerId }),
        expect.objectContaining({ type: 'decline', agentId: 'bob', interactionId: second.interactionId, offerId: second.offerId }),
      ]);
      expect(commands.map((event) => event.correlationId)).toEqual([first.correlationId, second.correlationId]);
    });

    it('sends done to the router with the disposition and the note', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      const { commandId } = await controller.done(ada, interactionId, { disposition: 'resolved', note: 'rebooked' });
      expect(services.bus.on(Topics.AgentCommand)[0]?.payload).toEqual({
        commandId,
        type: 'complete',
        agentId: 'ada',
        interactionId,
        disposition: 'resolved',
        note: 'rebooked',
      });
    });

    it("refuses done on another agent's interaction, and sends nothing", async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'bob' });
      await expect(controller.done(ada, interactionId, {})).rejects.toMatchObject({ code: 'not-your-interaction' });
      expect(services.bus.events).toEqual([]);
    });
  });

  describe('only the holder acts (the router\'s record decides, not the projection)', () => {
    it("refuses an accept or a decline of another agent's offer with 403 not-your-offer, and sends nothing", async () => {
      const { interactionId, offerId } = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      await expect(controller.accept(bob, interactionId, { offerId })).rejects.toThrow(ForbiddenError);
      await expect(controller.accept(bob, interactionId, { offerId })).rejects.toMatchObject({ code: 'not-your-offer' });
      await expect(controller.decline(bob, interactionId, { offerId })).rejects.toMatchObject({ code: 'not-your-offer' });
      expect(services.bus.events).toEqual([]);
    });

    it('refuses an accept after the offer expired with 409 offer-expired', async () => {
      const late = unitServices(undefined, { clock: { now: () => Date.now() + 10 * 60_000 } });
      const lateController = new InteractionsController(late.queries, late.commands, late.actions, late.profiles, late.corrections, late.consultations, late.dispositions);
      const { interactionId, offerId } = await seedInteraction(late, { agentId: 'ada', offeredOnly: true });
      await expect(lateController.accept(ada, interactionId, { offerId })).rejects.toThrow(ConflictError);
      await expect(lateController.accept(ada, interactionId, { offerId })).rejects.toMatchObject({ code: 'offer-expired' });
      expect(late.bus.events).toEqual([]);
    });

    it('refuses an accept of a declined offer, and of an offer made again since, with 409 offer-not-live and what became of it', async () => {
      const { interactionId, offerId } = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      await services.routing.decline(interactionId, offerId, 'ada', Date.now());
      await expect(controller.accept(ada, interactionId, { offerId })).rejects.toMatchObject({
        code: 'offer-not-live',
        message: expect.stringContaining('back in the queue'),
      });
      const other = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      await expect(controller.accept(ada, other.interactionId, { offerId: newId() })).rejects.toMatchObject({ code: 'offer-not-live' });
      expect(services.bus.events).toEqual([]);
    });

    it('lets an accept of an offer the agent already accepted through (the router answers it again), but not a decline', async () => {
      const { interactionId, offerId } = await seedInteraction(services, { agentId: 'ada' });
      await expect(controller.accept(ada, interactionId, { offerId })).resolves.toHaveProperty('commandId');
      await expect(controller.decline(ada, interactionId, { offerId })).rejects.toMatchObject({ code: 'offer-not-live' });
    });

    it('answers 404 for a decision on an interaction the router does not know', async () => {
      await expect(controller.accept(ada, newId(), { offerId: newId() })).rejects.toThrow(NotFoundError);
    });

    it('refuses every action on the customer while the interaction is only offered with 409 not-accepted, and publishes nothing', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      const actions = [
        () => controller.reply(ada, interactionId, { text: 'hello' }),
        () => controller.reply(ada, interactionId, { text: 'hello all', replyAll: true }),
        () => controller.directMessage(ada, interactionId, { text: 'your booking reference?' }),
        () => controller.follow(ada, interactionId),
        () => controller.unfollow(ada, interactionId),
        () => controller.correctClassification(ada, interactionId, { sentiment: 'neutral' }),
        () => controller.done(ada, interactionId, {}),
      ];
      for (const act of actions) await expect(act()).rejects.toMatchObject({ code: 'not-accepted', kind: 'conflict' });
      expect(services.bus.events).toEqual([]);
    });

    it("refuses another agent's offered interaction with 403 not-your-interaction", async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'bob', offeredOnly: true });
      await expect(controller.directMessage(ada, interactionId, { text: 'hi' })).rejects.toMatchObject({ code: 'not-your-interaction' });
      expect(services.bus.events).toEqual([]);
    });

    it('acts once the router has the interaction assigned, even before the projection shows the accept', async () => {
      const { interactionId, offerId } = await seedInteraction(services, { agentId: 'ada', offeredOnly: true });
      await services.routing.accept(interactionId, offerId, 'ada', Date.now());
      expect((await services.store.get(interactionId))?.state).not.toBe('active');
      await expect(controller.directMessage(ada, interactionId, { text: 'your booking reference?' })).resolves.toMatchObject({ kind: 'dm' });
    });
  });

  describe('acting on X', () => {
    it("replies to the customer's tweet with their @mention in front, as a command for the outbound worker", async () => {
      const { interactionId, message } = await seedInteraction(services, { agentId: 'ada' });
      const accepted = await controller.reply(ada, interactionId, { text: 'we have rebooked you on the 18:40' });
      expect(accepted).toMatchObject({ kind: 'reply', text: '@dana_flies we have rebooked you on the 18:40', inReplyToTweetId: message.messageId });
      expect(services.bus.on(Topics.OutboundRequested)[0]?.payload).toMatchObject({
        commandId: accepted.commandId,
        kind: 'reply',
        brandAccountId: message.brandAccountId,
        agentId: 'ada',
        interactionId,
        inReplyToTweetId: message.messageId,
      });
      const transcript = (await services.store.get(interactionId))?.transcript ?? [];
      expect(transcript).toContainEqual(expect.objectContaining({ kind: 'agent-action', commandId: accepted.commandId, status: 'pending' }));
    });

    it('refuses a reply X would refuse (over 280 weighted characters) with 400, and publishes nothing', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      await expect(controller.reply(ada, interactionId, { text: 'x'.repeat(300) })).rejects.toThrow(ValidationFailedError);
      expect(services.bus.events).toEqual([]);
    });

    it('refuses a reply on a completed interaction with 409 interaction-completed', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada', completed: true });
      await expect(controller.reply(ada, interactionId, { text: 'one more thing' })).rejects.toThrow(ConflictError);
      await expect(controller.reply(ada, interactionId, { text: 'one more thing' })).rejects.toMatchObject({ code: 'interaction-completed' });
    });

    it('sends a DM to a customer who accepts DMs from the brand', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      await expect(controller.directMessage(ada, interactionId, { text: 'your booking reference?' })).resolves.toMatchObject({
        kind: 'dm',
        participantId: '42',
      });
      expect(services.bus.on(Topics.OutboundRequested)[0]?.payload).toMatchObject({ kind: 'dm', participantId: '42', text: 'your booking reference?' });
    });

    it('refuses a DM X would refuse (the customer does not accept DMs from the brand) with 409 dm-not-allowed', async () => {
      services.x.users.set('42', xUser({ followsYou: false, receivesYourDm: false }));
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      await expect(controller.directMessage(ada, interactionId, { text: 'your booking reference?' })).rejects.toMatchObject({
        code: 'dm-not-allowed',
      });
      expect(services.bus.events).toEqual([]);
    });

    it('follows and unfollows the customer from the brand account', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      await controller.follow(ada, interactionId);
      await controller.unfollow(ada, interactionId);
      expect(services.bus.on(Topics.OutboundRequested).map((event) => [event.payload.kind, event.payload.participantId])).toEqual([
        ['follow', '42'],
        ['unfollow', '42'],
      ]);
    });
  });

  describe('correcting the classification', () => {
    it("publishes the agent's correction with the text and what the model said, as a training example", async () => {
      const { interactionId, message } = await seedInteraction(services, { agentId: 'ada' });
      const { correctionId } = await controller.correctClassification(ada, interactionId, { sentiment: 'neutral', note: 'just asking' });
      expect(services.bus.on(Topics.ClassificationCorrected)[0]?.payload).toMatchObject({
        correctionId,
        interactionId,
        messageId: message.messageId,
        agentId: 'ada',
        text: message.text,
        original: { sentiment: 'negative', actionability: 'actionable', model: 'lexicon-baseline@1' },
        corrected: { sentiment: 'neutral' },
        note: 'just asking',
      });
    });

    it('refuses a correction naming neither label with 400 naming both fields', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada' });
      await expect(controller.correctClassification(ada, interactionId, {})).rejects.toMatchObject({
        problems: [expect.objectContaining({ field: 'sentiment' }), expect.objectContaining({ field: 'actionability' })],
      });
    });

    it('lets the agent who handled a completed interaction still correct it', async () => {
      const { interactionId } = await seedInteraction(services, { agentId: 'ada', completed: true });
      await expect(controller.correctClassification(ada, interactionId, { actionability: 'not-actionable' })).resolves.toHaveProperty('correctionId');
    });
  });
});
