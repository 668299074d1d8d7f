// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';

import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { EnvelopeHeader, type EventEnvelope } from './envelope/event-envelope.types';
import { type PayloadOf, topicDefinition } from './topic-map.types';
import { type TopicName } from './topics.constants';

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

function flatten(errors: readonly ValidationError[], prefix = ''): ContractProblem[] {
  const out: ContractProblem[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

// Tolerant reader: unknown fields are stripped, not refused, so a producer that adds an optional
// field within the same schema version does not break consumers during a rolling upgrade.
const VALIDATION = { whitelist: true, forbidUnknownValues: true } as const;

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
  const header = plainToInstance(EnvelopeHeader, parsed);
  const headerErrors = validateSync(header, VALIDATION);
  if (headerErrors.length > 0) {
    const problems = flatten(headerErrors).filter((p) => !p.field.startsWith('payload.'));
    throw new ContractViolationError(topic, `invalid envelope: ${describe(problems)}`, problems);
  }
  const definition = topicDefinition(topic);
  if (!definition.schemaVersions.includes(header.schemaVersion)) {
    throw new ContractViolationError(
      topic,
      `unsupported schemaVersion ${header.schemaVersion} (this build reads ${definition.schemaVersions.join(', ')})`,
    );
  }
  const payload = plainToInstance(definition.payloadClass, (parsed as { payload: unknown }).payload);
  const payloadErrors = validateSync(payload as object, VALIDATION);
  if (payloadErrors.length > 0) {
    const problems = flatten(payloadErrors, 'payload');
    throw new ContractViolationError(topic, `invalid payload: ${describe(problems)}`, problems);
  }
  return {
    eventId: header.eventId,
    occurredAt: header.occurredAt,
    correlationId: header.correlationId,
    ...(header.causationId === undefined ? {} : { causationId: header.causationId }),
    schemaVersion: header.schemaVersion,
    producer: header.producer,
    payload: payload as PayloadOf<T>,
  };
}

/** Validates before sending too: a producer bug surfaces at its source, not in another service's DLQ. */
export function validatePayload<T extends TopicName>(topic: T, payload: PayloadOf<T>): PayloadOf<T> {
  const definition = topicDefinition(topic);
  const instance = payload instanceof definition.payloadClass ? payload : plainToInstance(definition.payloadClass, payload);
  const errors = validateSync(instance as object, VALIDATION);
  if (errors.length > 0) {
    const problems = flatten(errors, 'payload');
    throw new ContractViolationError(topic, `refusing to publish an invalid payload: ${describe(problems)}`, problems);
  }
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
