import { randomUUID } from 'node:crypto';

import { decodeEvent, validatePayload } from '../codec.util';
import { contractProblemFields, expectRegisteredTopic, testEnvelope } from '../testing/payload-spec.fixtures';
import { Topics } from '../topics.constants';
import { type VoiceConsultationPayload } from './voice-consultation.payload';

function request(overrides: Partial<VoiceConsultationPayload> = {}): VoiceConsultationPayload {
  return {
    consultationId: randomUUID(),
    interactionId: randomUUID(),
    fromAgentId: 'ada',
    withAgentId: 'bob',
    topic: 'refund rules for a cancelled flight',
    requestedAt: 1_760_000_000_000,
    ...overrides,
  };
}

function problemFields(payload: unknown): string[] {
  return contractProblemFields(() => validatePayload(Topics.VoiceConsultation, payload as VoiceConsultationPayload));
}

describe('agent.voice-consultation.v1', () => {
  it('is registered like every other topic: in ALL_TOPICS (start-up creates it and its .dlq), keyed by interaction', () => {
    const definition = expectRegisteredTopic(Topics.VoiceConsultation, 'agent.voice-consultation.v1');
    const payload = request();
    expect(definition.keyOf(payload)).toBe(payload.interactionId);
  });

  it('decodes a request, the topic optional', () => {
    const { topic: _dropped, ...bare } = request();
    const decoded = decodeEvent(Topics.VoiceConsultation, JSON.stringify(testEnvelope(bare)));
    expect(decoded.payload).toMatchObject({ fromAgentId: 'ada', withAgentId: 'bob' });
    expect(decoded.payload.topic).toBeUndefined();
  });

  it('refuses a request without the interaction, either agent or the time', () => {
    expect(problemFields({ ...request(), interactionId: 'nope', fromAgentId: '', withAgentId: undefined, requestedAt: -1 })).toEqual([
      'payload.fromAgentId',
      'payload.interactionId',
      'payload.requestedAt',
      'payload.withAgentId',
    ]);
  });
});
