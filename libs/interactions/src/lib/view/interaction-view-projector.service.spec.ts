import { randomUUID } from 'node:crypto';

import { type EventEnvelope } from '@perch/contracts';

import { buildCompleted, buildLifecycle, buildMessage } from '../testing/interaction-fixtures';
import { InteractionViewProjector } from './interaction-view-projector.service';
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
});
