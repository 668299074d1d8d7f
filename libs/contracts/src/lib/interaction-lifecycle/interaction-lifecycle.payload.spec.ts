import { randomUUID } from 'node:crypto';

import { validatePayload } from '../codec.util';
import { contractProblemFields } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { INTERACTION_EVENT_TYPES, type InteractionEventType, type InteractionLifecyclePayload } from './interaction-lifecycle.payload';

function event(type: InteractionEventType, overrides: Partial<InteractionLifecyclePayload> = {}): InteractionLifecyclePayload {
  return { interactionId: randomUUID(), type, conversationKey: '1000:1800000000000000001', brandAccountId: '1000', priority: 1, ...overrides };
}

function problemFields(payload: InteractionLifecyclePayload): string[] {
  return contractProblemFields(() => validatePayload(Topics.InteractionLifecycle, payload));
}

describe('routing.interaction.v1 conference events', () => {
  const CONFERENCE_TYPES: InteractionEventType[] = [
    'conference-offered',
    'conference-joined',
    'conference-declined',
    'conference-timed-out',
    'conference-left',
    'conference-handed-over',
  ];

  it('lists every conference step in the event types table', () => {
    expect(INTERACTION_EVENT_TYPES).toEqual(expect.arrayContaining(CONFERENCE_TYPES));
  });

  it('requires the agent it is about and the holder on every conference step', () => {
    for (const type of CONFERENCE_TYPES.filter((t) => t !== 'conference-offered')) {
      expect({ type, problems: problemFields(event(type)) }).toEqual({ type, problems: ['payload.agentId', 'payload.fromAgentId'] });
      expect({ type, problems: problemFields(event(type, { agentId: 'bob', fromAgentId: 'ada' })) }).toEqual({ type, problems: [] });
    }
  });

  it('requires an invitation to carry its offer and deadline, like an offer', () => {
    expect(problemFields(event('conference-offered', { agentId: 'bob', fromAgentId: 'ada' }))).toEqual(['payload.offerExpiresAt', 'payload.offerId']);
    expect(problemFields(event('conference-offered', { agentId: 'bob', fromAgentId: 'ada', offerId: randomUUID(), offerExpiresAt: new Date().toISOString() }))).toEqual([]);
  });

  it("checks the guests a conference event names: agent ids, at most 20", () => {
    const joined = (conferenceAgentIds: string[]) => event('conference-joined', { agentId: 'bob', fromAgentId: 'ada', conferenceAgentIds });
    expect(problemFields(joined(['bob', 'cleo']))).toEqual([]);
    expect(problemFields(joined(['']))).toEqual(['payload.conferenceAgentIds']);
    expect(problemFields(joined(Array.from({ length: 21 }, (_, i) => `a${i}`)))).toEqual(['payload.conferenceAgentIds']);
  });
});
