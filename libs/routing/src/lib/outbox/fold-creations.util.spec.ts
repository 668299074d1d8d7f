import { expandLifecycleEvent, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { newId } from '@perch/platform';

import { classification, inboundMessage } from '../testing/routing.fixtures';
import { foldCreations } from './fold-creations.util';
import { type PlannedEvent } from './routing-events.util';

const T = '2026-11-24T09:00:00.000Z';

function lifecycle(type: InteractionLifecyclePayload['type'], interactionId: string, extras: Partial<InteractionLifecyclePayload> = {}, correlationId = 'corr-1'): PlannedEvent {
  const message = inboundMessage();
  return {
    topic: Topics.InteractionLifecycle,
    payload: { interactionId, type, conversationKey: message.conversationKey, brandAccountId: message.brandAccountId, priority: 1, message, classification: classification(), channel: 'public', interactionCreatedAt: T, ...extras },
    context: { correlationId, causationId: 'msg-1', eventId: newId(), occurredAt: T },
  };
}

/** An 'offered' of the same interaction and message as `created`. */
function offerOf(created: PlannedEvent, correlationId = 'corr-1'): PlannedEvent {
  if (created.topic !== Topics.InteractionLifecycle) throw new Error('a lifecycle event');
  return {
    ...created,
    payload: { ...created.payload, type: 'offered', agentId: 'ada', offerId: newId(), offerExpiresAt: T },
    context: { correlationId, causationId: 'msg-1', eventId: newId(), occurredAt: T },
  };
}

const agentState: PlannedEvent = {
  topic: Topics.AgentState,
  payload: { agentId: 'ada', state: 'ready', since: T, cause: 'agent', capacity: 2, load: 1, loadByChannel: { public: 1, dm: 0 } },
  context: { correlationId: 'ada' },
};

const planned = (...events: PlannedEvent[]) => events.map((event, index) => ({ event, change: `change-${index}` }));
const types = (out: ReturnType<typeof foldCreations<string>>) => out.map(({ event }) => (event.topic === Topics.InteractionLifecycle ? event.payload.type : event.topic));

describe(foldCreations.name, () => {
  it("folds an interaction's 'created' into its offer, where the offer was, announcing both changes", () => {
    const a = lifecycle('created', newId());
    const b = lifecycle('created', newId());
    const offerA = offerOf(a);
    const out = foldCreations(planned(a, b, offerA, agentState, offerOf(b)));

    expect(types(out)).toEqual(['offered', Topics.AgentState, 'offered']);
    expect(out.map(({ changes }) => changes)).toEqual([['change-0', 'change-2'], ['change-3'], ['change-1', 'change-4']]);
    const [first] = out;
    if (first?.event.topic !== Topics.InteractionLifecycle) throw new Error('a lifecycle event');
    const { eventId = '', occurredAt = T, correlationId } = first.event.context;
    const expanded = expandLifecycleEvent({ eventId, occurredAt, correlationId, schemaVersion: 1, producer: 'router', payload: first.event.payload });
    expect(expanded?.map((event) => [event.eventId, event.payload])).toEqual([
      [a.context.eventId, a.payload],
      [offerA.context.eventId, offerA.payload],
    ]);
  });

  it('sends both as planned when another event of the interaction came between them, so its order holds', () => {
    const id = newId();
    const created = lifecycle('created', id);
    const out = foldCreations(planned(created, lifecycle('requirement-widened', id), offerOf(created)));
    expect(types(out)).toEqual(['created', 'requirement-widened', 'offered']);
  });

  it("sends both as planned when the offer does not rebuild the 'created' exactly or names another correlation", () => {
    const created = lifecycle('created', newId());
    const widened = offerOf(created);
    if (widened.topic !== Topics.InteractionLifecycle) throw new Error('a lifecycle event');
    widened.payload = { ...widened.payload, requiredSkill: 'billing' };
    expect(types(foldCreations(planned(created, widened)))).toEqual(['created', 'offered']);
    expect(types(foldCreations(planned(created, offerOf(created, 'corr-2'))))).toEqual(['created', 'offered']);
  });

  it("sends both as planned when the offer breaks its contract, so the 'created' still goes and the offer alone is refused", () => {
    const created = lifecycle('created', newId());
    const broken = offerOf(created);
    if (broken.topic !== Topics.InteractionLifecycle) throw new Error('a lifecycle event');
    broken.payload = { ...broken.payload, offerId: 'not-a-uuid' };
    expect(foldCreations(planned(created, broken)).map(({ changes }) => changes)).toEqual([['change-0'], ['change-1']]);
  });
});
