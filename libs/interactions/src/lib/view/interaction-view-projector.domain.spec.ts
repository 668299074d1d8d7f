import { randomUUID } from 'node:crypto';

import { type EventEnvelope } from '@perch/contracts';

import { RetryableError } from '@perch/platform';

import { buildCompleted, buildCorrected, buildLifecycle, buildMessage } from '../testing/interaction.fixtures';
import { InteractionViewProjector } from './interaction-view-projector.domain';
import { MemoryInteractionStore } from './memory-interaction-store.adapter';

function envelope<P>(payload: P, occurredAt: number): EventEnvelope<P> {
  return {
    eventId: randomUUID(),
    occurredAt: new Date(occurredAt).toISOString(),
    correlationId: 'corr-42',
    schemaVersion: 1,
    producer: 'test',
    payload,
  };
}

describe('InteractionViewProjector', () => {
  let store: MemoryInteractionStore;
  let projector: InteractionViewProjector;

  beforeEach(() => {
    store = new MemoryInteractionStore();
    projector = new InteractionViewProjector(store);
  });

  it('builds the agent’s view from routing events: offered, accepted, a new customer message, completed', async () => {
    const interactionId = randomUUID();
    const first = buildMessage({ text: 'first' });
    const second = buildMessage({ text: 'second', conversationKey: first.conversationKey, createdAt: new Date(1_760_000_100_000).toISOString() });
    await projector.applyLifecycle(envelope(buildLifecycle('offered', { interactionId, agentId: 'ada', message: first }), 1000));
    await projector.applyLifecycle(envelope(buildLifecycle('accepted', { interactionId, agentId: 'ada' }), 2000));
    await projector.applyLifecycle(envelope(buildLifecycle('message-added', { interactionId, message: second }), 3000));

    const view = await store.get(interactionId);
    expect(view).toMatchObject({ state: 'active', agentId: 'ada', correlationId: 'corr-42', updatedAt: 3000 });
    expect(view?.firstMessage?.text).toBe('first');
    expect(view?.transcript.map((entry) => entry.text)).toEqual(['first', 'second']);

    await projector.applyLifecycle(envelope(buildLifecycle('completed', { interactionId, agentId: 'ada' }), 4000));
    expect((await store.get(interactionId))?.state).toBe('completed');
  });

  it('keeps the holder through a conference and moves the view to the guest it is handed over to', async () => {
    const interactionId = randomUUID();
    await projector.applyLifecycle(envelope(buildLifecycle('accepted', { interactionId, agentId: 'ada' }), 1000));
    const conference = { interactionId, fromAgentId: 'ada', conferenceAgentIds: ['bob'] };
    await projector.applyLifecycle(envelope(buildLifecycle('conference-joined', { ...conference, agentId: 'bob' }), 2000));
    await projector.applyLifecycle(envelope(buildLifecycle('conference-left', { ...conference, agentId: 'bob', conferenceAgentIds: [] }), 3000));
    expect(await store.get(interactionId)).toMatchObject({ state: 'active', agentId: 'ada' });
    await projector.applyLifecycle(envelope(buildLifecycle('conference-handed-over', { interactionId, agentId: 'bob', fromAgentId: 'ada' }), 4000));
    expect(await store.get(interactionId)).toMatchObject({ state: 'active', agentId: 'bob' });
    expect((await store.listByAgent('bob')).map((view) => view.id)).toEqual([interactionId]);
  });

  it('leaves an interaction where it was when its skill requirement widens (ADR 0017)', async () => {
    const interactionId = randomUUID();
    await projector.applyLifecycle(envelope(buildLifecycle('offered', { interactionId, agentId: 'ada', message: buildMessage() }), 1000));
    await projector.applyLifecycle(envelope(buildLifecycle('requirement-widened', { interactionId, requiredSkill: 'language:any' }), 2000));
    expect(await store.get(interactionId)).toMatchObject({ state: 'offered', agentId: 'ada' });
  });

  it('is idempotent: the same events delivered twice give the same view', async () => {
    const interactionId = randomUUID();
    const events = [
      envelope(buildLifecycle('created', { interactionId }), 1000),
      envelope(buildLifecycle('offered', { interactionId, agentId: 'ada' }), 2000),
      envelope(buildLifecycle('accepted', { interactionId, agentId: 'ada' }), 3000),
    ];
    for (const event of events) await projector.applyLifecycle(event);
    const once = await store.get(interactionId);
    for (const event of events) await projector.applyLifecycle(event);
    expect(await store.get(interactionId)).toEqual(once);
  });

  it("adds X's answer to a reply to the transcript, and ignores posts that belong to no interaction", async () => {
    const interactionId = randomUUID();
    await projector.applyLifecycle(envelope(buildLifecycle('accepted', { interactionId, agentId: 'ada' }), 1000));
    const completed = buildCompleted({ interactionId, agentId: 'ada', tweetId: '1790000000000009999' });
    await projector.applyOutboundCompleted(envelope(completed, 2000));
    await projector.applyOutboundCompleted(envelope(completed, 2000));
    await projector.applyOutboundCompleted(envelope(buildCompleted({ kind: 'post', interactionId: undefined }), 2000));

    const transcript = (await store.get(interactionId))?.transcript ?? [];
    expect(transcript).toEqual([
      expect.objectContaining({ kind: 'agent-action', status: 'sent', tweetId: '1790000000000009999', commandId: completed.commandId }),
    ]);
  });

  it("shows an agent's correction of the first message's labels, also after completion", async () => {
    const interactionId = randomUUID();
    const message = buildMessage();
    await projector.applyLifecycle(envelope(buildLifecycle('offered', { interactionId, agentId: 'ada', message }), 1000));
    await projector.applyLifecycle(envelope(buildLifecycle('completed', { interactionId, agentId: 'ada' }), 2000));
    const corrected = buildCorrected({ interactionId, messageId: message.messageId, agentId: 'ada', corrected: { sentiment: 'neutral' }, correctedAt: 3000 });
    await projector.applyClassificationCorrected(envelope(corrected, 3000));
    await projector.applyClassificationCorrected(envelope(corrected, 3000));

    expect((await store.get(interactionId))?.classificationCorrection).toEqual({
      sentiment: 'neutral',
      agentId: 'ada',
      at: 3000,
      correctionId: corrected.correctionId,
    });
  });

  it('asks for a retry when the interaction is not in the store yet', async () => {
    await expect(projector.applyClassificationCorrected(envelope(buildCorrected(), 1000))).rejects.toBeInstanceOf(RetryableError);
  });
});
