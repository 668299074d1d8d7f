import { randomUUID } from 'node:crypto';

import { ContractViolationError } from '../codec.util';
import { type EventEnvelope } from '../envelope/event-envelope.types';
import { TOPIC_REGISTRY, type TopicDefinition, topicDefinition } from '../topic-map.types';
import { ALL_TOPICS, deadLetterTopicOf, type TopicName } from '../topics.constants';

// Shared scaffolding of the payload specs: contracts import nothing of ours, so their test support lives here.

/** Wraps a payload as a producer would put it on the wire. */
export function testEnvelope<P>(payload: P): EventEnvelope<P> {
  return { eventId: randomUUID(), occurredAt: new Date().toISOString(), correlationId: 'corr-1', schemaVersion: 1, producer: 'test', payload };
}

/** The sorted fields a ContractViolationError names, or [] when `run` passes; any other error is rethrown. */
export function contractProblemFields(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractViolationError) return error.problems.map((p) => p.field).sort();
    throw error;
  }
  return [];
}

/** Asserts a topic is registered like every other (in ALL_TOPICS, with its .dlq) and returns its definition. */
export function expectRegisteredTopic<T extends TopicName>(topic: T, name: string): TopicDefinition<T> {
  expect(ALL_TOPICS).toContain(name);
  expect(deadLetterTopicOf(topic)).toBe(`${name}.dlq`);
  const definition = topicDefinition(topic);
  expect(definition).toBe(TOPIC_REGISTRY[topic]);
  return definition;
}
