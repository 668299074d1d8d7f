import { randomUUID } from 'node:crypto';

import { ContractViolationError, decodeEvent, validatePayload } from '../codec.util';
import { type EventEnvelope } from '../envelope/event-envelope.types';
import { TOPIC_REGISTRY, topicDefinition } from '../topic-map.types';
import { ALL_TOPICS, deadLetterTopicOf, Topics } from '../topics.constants';
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
  try {
    validatePayload(Topics.VoiceConsultation, payload as VoiceConsultationPayload);
  } catch (error) {
    if (error instanceof ContractViolationError) return error.problems.map((p) => p.field).sort();
    throw error;
  }
  return [];
}

describe('agent.voice-consultation.v1', () => {
  it('is registered like every other topic: in ALL_TOPICS (start-up creates it and its .dlq), keyed by interaction', () => {
    expect(ALL_TOPICS).toContain('agent.voice-consultation.v1');
    expect(deadLetterTopicOf(Topics.VoiceConsultation)).toBe('agent.voice-consultation.v1.dlq');
    const definition = topicDefinition(Topics.VoiceConsultation);
    expect(definition).toBe(TOPIC_REGISTRY[Topics.VoiceConsultation]);
    const payload = request();
    expect(definition.keyOf(payload)).toBe(payload.interactionId);
  });

  it('decodes a request, the topic optional', () => {
    const { topic: _dropped, ...bare } = request();
    const envelope: EventEnvelope<unknown> = { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'c', schemaVersion: 1, producer: 'test', payload: bare };
    const decoded = decodeEvent(Topics.VoiceConsultation, JSON.stringify(envelope));
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
