import { randomUUID } from 'node:crypto';

import { decodeEvents, encodeEvent, validatePayload } from '../codec.util';
import { type EventEnvelope } from '../envelope/event-envelope.types';
import { VALID_PAYLOADS } from '../testing/contract-samples.fixtures';
import { contractProblemFields } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { createdPayloadOf, expandLifecycleEvent, foldCreationIntoOffer } from './interaction-lifecycle-creation.util';
import { type InteractionLifecyclePayload } from './interaction-lifecycle.payload';

const offered = structuredClone(VALID_PAYLOADS[Topics.InteractionLifecycle][0]) as InteractionLifecyclePayload;
const created: InteractionLifecyclePayload = createdPayloadOf(offered);
const CREATED_ID = randomUUID();
const OFFERED_ID = randomUUID();

function envelope(payload: InteractionLifecyclePayload, eventId: string, occurredAt: string, causationId?: string): EventEnvelope<InteractionLifecyclePayload> {
  return { eventId, occurredAt, correlationId: 'corr-1', ...(causationId === undefined ? {} : { causationId }), schemaVersion: 1, producer: 'router', payload };
}

describe('an offer that carries its interaction\'s creation (ADR 0035)', () => {
  it("rebuilds the 'created' as the router would have sent it: the interaction, message and queue without the offer", () => {
    expect(created).toEqual({
      interactionId: offered.interactionId,
      type: 'created',
      conversationKey: offered.conversationKey,
      brandAccountId: offered.brandAccountId,
      priority: offered.priority,
      message: offered.message,
      classification: offered.classification,
      channel: offered.channel,
      requiredSkill: offered.requiredSkill,
      interactionCreatedAt: offered.interactionCreatedAt,
    });
    expect(() => validatePayload(Topics.InteractionLifecycle, created)).not.toThrow();
  });

  it("reads back, through the consumers' decoder, as the two events it stands for, each with its own id, time and cause", () => {
    const folded = foldCreationIntoOffer({ payload: created, eventId: CREATED_ID, occurredAt: '2026-11-24T09:00:01.000Z', causationId: 'msg-1' }, offered);
    expect(folded).toBeDefined();
    const wire = encodeEvent(envelope(folded as InteractionLifecyclePayload, OFFERED_ID, '2026-11-24T09:00:01.002Z', 'msg-1'));

    const events = decodeEvents(Topics.InteractionLifecycle, wire);

    expect(events).toEqual([
      envelope(created, CREATED_ID, '2026-11-24T09:00:01.000Z', 'msg-1'),
      envelope(offered, OFFERED_ID, '2026-11-24T09:00:01.002Z', 'msg-1'),
    ]);
  });

  it("keeps the offer's cause off the 'created' when the creation had none", () => {
    const folded = foldCreationIntoOffer({ payload: created, eventId: CREATED_ID, occurredAt: '2026-11-24T09:00:01.000Z' }, offered) as InteractionLifecyclePayload;
    const [first] = expandLifecycleEvent(envelope(folded, OFFERED_ID, '2026-11-24T09:00:01.002Z', 'cmd-9')) ?? [];
    expect(first).toEqual(envelope(created, CREATED_ID, '2026-11-24T09:00:01.000Z'));
  });

  it("does not fold a 'created' the offer would not rebuild exactly, another interaction's, or anything but a 'created' and an 'offered'", () => {
    const draft = (payload: InteractionLifecyclePayload) => ({ payload, eventId: CREATED_ID, occurredAt: '2026-11-24T09:00:01.000Z' });
    // The requirement was widened between the two: the 'created' says what it was.
    expect(foldCreationIntoOffer(draft({ ...created, requiredSkill: 'payments' }), offered)).toBeUndefined();
    expect(foldCreationIntoOffer(draft({ ...created, interactionId: randomUUID() }), offered)).toBeUndefined();
    expect(foldCreationIntoOffer(draft({ ...created, type: 'message-added' }), offered)).toBeUndefined();
    expect(foldCreationIntoOffer(draft(created), { ...offered, type: 'transfer-offered', fromAgentId: 'bob' })).toBeUndefined();
    const once = foldCreationIntoOffer(draft(created), offered) as InteractionLifecyclePayload;
    expect(foldCreationIntoOffer(draft(created), once)).toBeUndefined();
  });

  it('passes every other event through as the one event it is', () => {
    const accepted = envelope({ ...created, type: 'accepted', agentId: 'ada' }, OFFERED_ID, '2026-11-24T09:00:02.000Z');
    expect(decodeEvents(Topics.InteractionLifecycle, encodeEvent(accepted))).toEqual([accepted]);
  });

  it("refuses a creation on anything but an 'offered', at the producer and at every consumer", () => {
    const misplaced: InteractionLifecyclePayload = { ...created, type: 'accepted', agentId: 'ada', creation: { eventId: CREATED_ID, occurredAt: '2026-11-24T09:00:01.000Z' } };
    expect(contractProblemFields(() => validatePayload(Topics.InteractionLifecycle, misplaced))).toEqual(['payload.creation']);
    const wire = encodeEvent(envelope(misplaced, OFFERED_ID, '2026-11-24T09:00:02.000Z'));
    expect(contractProblemFields(() => decodeEvents(Topics.InteractionLifecycle, wire))).toEqual(['payload.creation']);
  });

  it('refuses a creation without a valid event id or time', () => {
    const bad: InteractionLifecyclePayload = { ...offered, creation: { eventId: 'nope', occurredAt: 'yesterday' } };
    expect(contractProblemFields(() => validatePayload(Topics.InteractionLifecycle, bad))).toEqual(['payload.creation.eventId', 'payload.creation.occurredAt']);
  });
});
