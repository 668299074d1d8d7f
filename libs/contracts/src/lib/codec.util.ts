// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';

import { type CompiledValidator, compileContractValidator } from './compiled/contract-validator.util';
import { EnvelopeHeader, type EventEnvelope } from './envelope/event-envelope.types';
import { expandLifecycleEvent } from './interaction-lifecycle/interaction-lifecycle-creation.util';
import { type PayloadOf, TOPIC_REGISTRY, topicDefinition } from './topic-map.types';
import { type TopicName, Topics } from './topics.constants';

export interface ContractProblem {
  field: string;
  messages: string[];
}

/** A message that does not honour its topic's contract. Consumers dead-letter it, never retry it. */
export class ContractViolationError extends Error {
  constructor(
    readonly topic: string,
    readonly reason: string,
    readonly problems: readonly ContractProblem[] = [],
  ) {
    super(`${topic}: ${reason}`);
    // @perch/platform's failure classification recognises it by this name (contracts import nothing of ours).
    this.name = 'ContractViolationError';
  }
}

// Tolerant reader: unknown fields are stripped, not refused, so a producer that adds an optional
// field within the same schema version does not break consumers during a rolling upgrade.
// The validators are compiled once, here, from the classes' class-validator decorators (the one source of truth, which
// the REST edges still run through class-validator): they judge as validateSync(plainToInstance(cls, value),
// { whitelist: true, forbidUnknownValues: true }) does, at a fraction of its cost.
// An unsupported decorator makes loading this module throw.
const HEADER_VALIDATOR = compileContractValidator(EnvelopeHeader);
const PAYLOAD_VALIDATORS = new Map<TopicName, CompiledValidator<unknown>>(
  Object.values(TOPIC_REGISTRY).map((definition) => [definition.topic, compileContractValidator(definition.payloadClass as new () => object)]),
);

function payloadValidator<T extends TopicName>(topic: T): CompiledValidator<PayloadOf<T>> {
  const validator = PAYLOAD_VALIDATORS.get(topic);
  if (!validator) throw new ContractViolationError(topic, 'unknown topic');
  return validator as CompiledValidator<PayloadOf<T>>;
}

/** Parses, checks the envelope and the schema version, and validates the payload against its class. */
export function decodeEvent<T extends TopicName>(topic: T, raw: string): EventEnvelope<PayloadOf<T>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ContractViolationError(topic, `not JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ContractViolationError(topic, 'not a JSON object');
  }
  const checked = HEADER_VALIDATOR(parsed);
  if (!checked.valid) {
    const problems = checked.problems.filter((p) => !p.field.startsWith('payload.'));
    throw new ContractViolationError(topic, `invalid envelope: ${describe(problems)}`, problems);
  }
  const header = checked.value;
  const definition = topicDefinition(topic);
  if (!definition.schemaVersions.includes(header.schemaVersion)) {
    throw new ContractViolationError(
      topic,
      `unsupported schemaVersion ${header.schemaVersion} (this build reads ${definition.schemaVersions.join(', ')})`,
    );
  }
  const payload = payloadValidator(topic)((parsed as { payload: unknown }).payload, 'payload');
  if (!payload.valid) {
    throw new ContractViolationError(topic, `invalid payload: ${describe(payload.problems)}`, payload.problems);
  }
  return {
    eventId: header.eventId,
    occurredAt: header.occurredAt,
    correlationId: header.correlationId,
    ...(header.causationId === undefined ? {} : { causationId: header.causationId }),
    schemaVersion: header.schemaVersion,
    producer: header.producer,
    payload: payload.value,
  };
}

/**
 * The events one message announces, in order: one, except an 'offered' that carries its interaction's creation
 * (ADR 0035), which consumers read as the 'created' and then the 'offered', each as if it had come alone.
 */
export function decodeEvents<T extends TopicName>(topic: T, raw: string): EventEnvelope<PayloadOf<T>>[] {
  const event = decodeEvent(topic, raw);
  if (topic !== Topics.InteractionLifecycle) return [event];
  const events = expandLifecycleEvent(event as EventEnvelope<PayloadOf<typeof Topics.InteractionLifecycle>>);
  if (events === undefined) throw new ContractViolationError(topic, `invalid payload: ${describe(MISPLACED_CREATION)}`, MISPLACED_CREATION);
  return events as EventEnvelope<PayloadOf<T>>[];
}

const MISPLACED_CREATION: readonly ContractProblem[] = [{ field: 'payload.creation', messages: ["creation is only allowed on an 'offered'"] }];

/** The one rule of routing.interaction.v1 its class cannot state: a creation rides on an 'offered' only. */
function misplacedCreation(topic: TopicName, payload: unknown): boolean {
  if (topic !== Topics.InteractionLifecycle) return false;
  const lifecycle = payload as PayloadOf<typeof Topics.InteractionLifecycle>;
  return lifecycle.creation !== undefined && lifecycle.type !== 'offered';
}

/** Validates before sending too: a producer bug surfaces at its source, not in another service's DLQ. */
export function validatePayload<T extends TopicName>(topic: T, payload: PayloadOf<T>): PayloadOf<T> {
  const checked = payloadValidator(topic)(payload, 'payload');
  const problems = checked.valid ? (misplacedCreation(topic, payload) ? MISPLACED_CREATION : []) : checked.problems;
  if (problems.length > 0) throw new ContractViolationError(topic, `refusing to publish an invalid payload: ${describe(problems)}`, problems);
  return payload;
}

export function encodeEvent<T extends TopicName>(envelope: EventEnvelope<PayloadOf<T>>): string {
  return JSON.stringify(envelope);
}

function describe(problems: readonly ContractProblem[]): string {
  return problems.map((p) => `${p.field} (${p.messages.join('; ')})`).join(', ');
}

/** A new envelope around a payload, at the newest schema version this build writes. */
export function createEnvelope<T extends TopicName>(
  topic: T,
  payload: PayloadOf<T>,
  context: { correlationId: string; causationId?: string; eventId?: string; occurredAt?: string },
  producer: string,
): EventEnvelope<PayloadOf<T>> {
  const versions = topicDefinition(topic).schemaVersions;
  return {
    eventId: context.eventId ?? randomUUID(),
    occurredAt: context.occurredAt ?? new Date().toISOString(),
    correlationId: context.correlationId,
    ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
    schemaVersion: versions[versions.length - 1] ?? 1,
    producer,
    payload,
  };
}
