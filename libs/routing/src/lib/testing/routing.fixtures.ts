import {
  type Classification,
  type EventEnvelope,
  type InboundClassifiedPayload,
  type InboundMessage,
} from '@perch/contracts';
import { newId } from '@perch/platform';

import { type UpsertInteractionInput } from '../routing.types';

let sequence = 0;

/** A distinct numeric tweet id per call, as X would give. */
export function nextMessageId(): string {
  sequence += 1;
  return String(1_800_000_000_000_000_000n + BigInt(sequence));
}

export function inboundMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  const messageId = overrides.messageId ?? nextMessageId();
  const brandAccountId = overrides.brandAccountId ?? '1000';
  return {
    messageId,
    kind: 'mention',
    source: 'stream',
    brandAccountId,
    brandUsername: 'perchbrand',
    conversationKey: `${brandAccountId}:${messageId}`,
    threadId: messageId,
    text: '@perchbrand my order never arrived',
    createdAt: '2025-01-01T12:00:00.000Z',
    mentions: ['perchbrand'],
    author: {
      id: '42',
      username: 'customer',
      name: 'A Customer',
      followersCount: 10,
      followingCount: 20,
      tweetCount: 30,
      profileUrl: 'https://x.com/customer',
    },
    receivedAt: 1_735_732_800_000,
    ...overrides,
  };
}

export function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    sentiment: 'negative',
    sentimentScore: 0.9,
    actionability: 'actionable',
    actionabilityScore: 0.8,
    sentimentFeatures: ['never arrived'],
    actionabilityFeatures: ['order'],
    model: 'lexicon-baseline@1',
    ...overrides,
  };
}

export function upsertInput(
  now: number,
  overrides: Partial<Omit<UpsertInteractionInput, 'now'>> = {},
): UpsertInteractionInput {
  return {
    message: overrides.message ?? inboundMessage(),
    classification: overrides.classification ?? classification(),
    priority: overrides.priority ?? 1,
    correlationId: overrides.correlationId ?? newId(),
    interactionIdIfNew: overrides.interactionIdIfNew ?? newId(),
    ...(overrides.requiredSkill === undefined ? {} : { requiredSkill: overrides.requiredSkill }),
    ...(overrides.requiredLevel === undefined ? {} : { requiredLevel: overrides.requiredLevel }),
    ...(overrides.widen === undefined ? {} : { widen: overrides.widen }),
    now,
  };
}

export function envelope<P>(payload: P, overrides: Partial<Omit<EventEnvelope<P>, 'payload'>> = {}): EventEnvelope<P> {
  return {
    eventId: newId(),
    occurredAt: new Date(0).toISOString(),
    correlationId: newId(),
    schemaVersion: 1,
    producer: 'test',
    ...overrides,
    payload,
  };
}

export function classifiedEvent(
  message: InboundMessage,
  labels: Partial<Classification> = {},
): EventEnvelope<InboundClassifiedPayload> {
  return envelope({ message, classification: classification(labels), classifiedAt: message.receivedAt + 5 });
}
