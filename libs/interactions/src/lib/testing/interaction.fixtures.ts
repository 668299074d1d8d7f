import { randomUUID } from 'node:crypto';

import {
  type Classification,
  type ClassificationCorrectedPayload,
  type InboundMessage,
  type InteractionEventType,
  type InteractionLifecyclePayload,
  type OutboundCompletedPayload,
} from '@perch/contracts';

import { type ClassificationCorrectionUpdate, type InteractionHeaderUpdate } from '../view/interaction-view.types';
import { correctionUpdateFromEvent, headerUpdateFromLifecycle } from '../view/interaction-view.util';

// Builders for this library's specs and contract suites (no test framework imported here).

let tweetSequence = 1_790_000_000_000_000_000n;
export function nextTweetId(): string {
  tweetSequence += 1n;
  return tweetSequence.toString();
}

export function buildMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  const messageId = overrides.messageId ?? nextTweetId();
  return {
    messageId,
    kind: 'mention',
    source: 'stream',
    brandAccountId: '1001',
    brandUsername: 'PerchAir',
    conversationKey: `1001:${overrides.threadId ?? messageId}`,
    threadId: messageId,
    text: '@PerchAir my flight was cancelled and nobody answers the phone',
    createdAt: new Date(1_760_000_000_000).toISOString(),
    mentions: ['PerchAir'],
    author: {
      id: '42',
      username: 'dana_flies',
      name: 'Dana',
      followersCount: 1234,
      followingCount: 321,
      tweetCount: 5678,
      profileUrl: 'https://x.com/dana_flies',
    },
    receivedAt: 1_760_000_000_500,
    ...overrides,
  };
}

export function buildClassification(overrides: Partial<Classification> = {}): Classification {
  return {
    sentiment: 'negative',
    sentimentScore: 0.9,
    actionability: 'actionable',
    actionabilityScore: 0.8,
    sentimentFeatures: ['cancelled'],
    actionabilityFeatures: ['nobody answers'],
    model: 'lexicon-baseline@1',
    ...overrides,
  };
}

export function buildLifecycle(
  type: InteractionEventType,
  overrides: Partial<InteractionLifecyclePayload> = {},
): InteractionLifecyclePayload {
  const message = overrides.message ?? buildMessage();
  const withMessage = type === 'created' || type === 'offered' || type === 'message-added';
  const withAgent = ['offered', 'accepted', 'declined', 'offer-timed-out', 'completed'].includes(type);
  return {
    interactionId: randomUUID(),
    type,
    conversationKey: message.conversationKey,
    brandAccountId: message.brandAccountId,
    priority: 1,
    ...(withMessage ? { message, classification: buildClassification() } : {}),
    ...(withAgent ? { agentId: 'agent-1' } : {}),
    ...(type === 'offered' ? { offerId: randomUUID(), offerExpiresAt: new Date(1_760_000_030_000).toISOString() } : {}),
    ...overrides,
  };
}

export function headerUpdate(
  type: InteractionEventType,
  overrides: Partial<InteractionLifecyclePayload> = {},
  at = 1_760_000_001_000,
): InteractionHeaderUpdate {
  return headerUpdateFromLifecycle(buildLifecycle(type, overrides), at, 'corr-1');
}

export function buildCompleted(overrides: Partial<OutboundCompletedPayload> = {}): OutboundCompletedPayload {
  return {
    commandId: randomUUID(),
    kind: 'reply',
    status: 'sent',
    brandAccountId: '1001',
    agentId: 'agent-1',
    interactionId: randomUUID(),
    tweetId: nextTweetId(),
    inReplyToTweetId: '1790000000000000001',
    text: '@dana_flies we are on it',
    completedAt: 1_760_000_002_000,
    ...overrides,
  };
}

/** An agent's correction event: by default Ada says the first message is neutral, not negative. */
export function buildCorrected(overrides: Partial<ClassificationCorrectedPayload> = {}): ClassificationCorrectedPayload {
  return {
    correctionId: randomUUID(),
    interactionId: randomUUID(),
    messageId: nextTweetId(),
    brandAccountId: '1001',
    agentId: 'agent-1',
    text: '@PerchAir my flight was cancelled and nobody answers the phone',
    original: { sentiment: 'negative', sentimentScore: 0.9, actionability: 'actionable', actionabilityScore: 0.8, model: 'lexicon-baseline@1' },
    corrected: { sentiment: 'neutral' },
    correctedAt: 1_760_000_005_000,
    ...overrides,
  };
}

export function correctionUpdate(overrides: Partial<ClassificationCorrectedPayload> = {}): ClassificationCorrectionUpdate {
  return correctionUpdateFromEvent(buildCorrected(overrides));
}
