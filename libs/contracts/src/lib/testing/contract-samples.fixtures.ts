import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { type ContractProblem } from '../codec.util';
import { type TopicPayloads } from '../topic-map.types';
import { Topics } from '../topics.constants';

// Valid payloads of every topic (several per topic where conditional fields differ), and the class-validator path the
// compiled validators replace: the equivalence spec feeds both the same mutations of these.

const UUID_A = '0b6f1a52-6a8e-4d8a-9d3c-2f1e6b7a9c01';
const UUID_B = '7d2c9e14-3b5a-4f6e-8a1d-5c4b3a2f1e02';
const UUID_C = 'c3a1f5e7-9b2d-4c8e-a6f4-1d3b5e7a9c03';

const AUTHOR = {
  id: '42',
  username: 'catperson',
  name: 'Cat 🐈',
  followersCount: 10,
  followingCount: 5,
  tweetCount: 99,
  profileUrl: 'https://x.com/catperson',
  followsBrand: true,
};

const MESSAGE = {
  messageId: '1790000000000000001',
  kind: 'mention',
  source: 'stream',
  brandAccountId: '100',
  brandUsername: 'acme_support',
  conversationKey: '100:1790000000000000001',
  threadId: '1790000000000000001',
  text: '@acme_support my order is late',
  createdAt: '2026-11-24T09:00:00.000Z',
  inReplyToTweetId: '1790000000000000000',
  lang: 'pt-BR',
  mentions: ['acme_support'],
  author: AUTHOR,
  receivedAt: 1_700_000_000_000,
};

const CLASSIFICATION = {
  sentiment: 'negative',
  sentimentScore: 0.9,
  actionability: 'actionable',
  actionabilityScore: 0.8,
  sentimentFeatures: ['late'],
  actionabilityFeatures: ['order', 'late'],
  model: 'lexicon-baseline@1',
};

const LIFECYCLE = { interactionId: UUID_A, conversationKey: '100:1790000000000000001', brandAccountId: '100', priority: 1 };
const OFFERED = { ...LIFECYCLE, type: 'offered', agentId: 'ada', offerId: UUID_B, offerExpiresAt: '2026-11-24T09:01:00.000Z', message: MESSAGE, classification: CLASSIFICATION };

export const VALID_PAYLOADS: { [T in keyof TopicPayloads]: readonly object[] } = {
  [Topics.InboundReceived]: [MESSAGE, { ...MESSAGE, kind: 'dm', source: 'dm-webhook', inReplyToTweetId: undefined, lang: undefined, mentions: [] }],
  [Topics.InboundClassified]: [{ message: MESSAGE, classification: CLASSIFICATION, classifiedAt: 1_700_000_000_100 }],
  [Topics.InteractionLifecycle]: [
    {
      ...OFFERED,
      channel: 'public',
      requiredSkill: 'billing',
      sticky: true,
      interactionCreatedAt: '2026-11-24T09:00:01.000Z',
    },
    // An offer that also announces its interaction's creation (ADR 0035).
    { ...OFFERED, creation: { eventId: UUID_C, occurredAt: '2026-11-24T09:00:01.000Z', causationId: UUID_A } },
    { ...LIFECYCLE, type: 'transferred', agentId: 'ada', reason: 'billing' },
    { ...LIFECYCLE, type: 'conference-joined', agentId: 'bob', fromAgentId: 'ada', conferenceAgentIds: ['bob', 'cleo'] },
    { ...LIFECYCLE, type: 'completed', agentId: 'ada', disposition: 'resolved', note: 'refunded', conferenceAgentIds: [] },
    { ...LIFECYCLE, type: 'queued' },
  ],
  [Topics.AgentCommand]: [
    { commandId: UUID_A, type: 'presence', agentId: 'ada', presence: 'not-ready', capacity: 5, capacityByChannel: { public: 3, dm: 2 }, skills: ['billing'], reason: 'break', cause: 'supervisor', actorId: 'carol' },
    { commandId: UUID_A, type: 'accept', agentId: 'ada', interactionId: UUID_B, offerId: UUID_C },
    { commandId: UUID_A, type: 'transfer', agentId: 'ada', interactionId: UUID_B, toAgentId: 'bob', transferReason: 'billing question', note: 'vip' },
    { commandId: UUID_A, type: 'conference', agentId: 'ada', interactionId: UUID_B, toAgentId: 'bob', conferenceReason: 'help' },
    { commandId: UUID_A, type: 'complete', agentId: 'ada', interactionId: UUID_B, disposition: 'resolved' },
  ],
  [Topics.OutboundRequested]: [
    { commandId: UUID_A, kind: 'reply', brandAccountId: '100', agentId: 'ada', interactionId: UUID_B, conversationKey: '100:1', inReplyToTweetId: '1790000000000000001', text: 'Sorry!', requestedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'dm', brandAccountId: '100', agentId: 'ada', participantId: '42', text: 'Hi', requestedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'follow', brandAccountId: '100', agentId: 'ada', participantId: '42', requestedAt: 1_700_000_000_000 },
  ],
  [Topics.OutboundCompleted]: [
    { commandId: UUID_A, kind: 'reply', status: 'sent', brandAccountId: '100', agentId: 'ada', interactionId: UUID_B, tweetId: '1790000000000000002', inReplyToTweetId: '1790000000000000001', text: 'Sorry!', completedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'dm', status: 'failed', brandAccountId: '100', agentId: 'ada', participantId: '42', failure: { code: 'x-refused', detail: 'nope', httpStatus: 403 }, completedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'post', status: 'waiting', retryAt: 1_700_000_060_000, brandAccountId: '100', agentId: 'ada', failure: { code: 'rate-limited', detail: '' }, completedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'follow', status: 'sent', brandAccountId: '100', agentId: 'ada', participantId: '42', following: false, pendingFollow: true, completedAt: 1_700_000_000_000 },
    { commandId: UUID_A, kind: 'dm', status: 'sent', brandAccountId: '100', agentId: 'ada', dmEventId: '17', dmConversationId: '42-100', completedAt: 1_700_000_000_000 },
  ],
  [Topics.ClassificationCorrected]: [
    {
      correctionId: UUID_A,
      interactionId: UUID_B,
      messageId: '1790000000000000001',
      brandAccountId: '1001',
      agentId: 'ada',
      text: 'great, another delay',
      original: { sentiment: 'positive', sentimentScore: 0.71, actionability: 'not-actionable', actionabilityScore: 0.6, model: 'lexicon-baseline@1' },
      corrected: { sentiment: 'negative', actionability: 'actionable' },
      note: 'sarcasm',
      correctedAt: 1_760_000_000_000,
    },
    {
      correctionId: UUID_A,
      interactionId: UUID_B,
      messageId: '1',
      brandAccountId: '1001',
      agentId: 'ada',
      text: '',
      original: { sentiment: 'neutral', sentimentScore: 0, actionability: 'undeclared', actionabilityScore: 1, model: 'm' },
      corrected: { actionability: 'not-actionable' },
      correctedAt: 0,
    },
  ],
  [Topics.AgentState]: [
    {
      agentId: 'ada',
      state: 'not-ready',
      reason: 'missed-offer',
      since: '2026-12-06T10:00:00.000Z',
      cause: 'offer-timeout',
      interactionId: UUID_A,
      capacity: 3,
      load: 1,
      capacityByChannel: { public: 2, dm: 1 },
      loadByChannel: { public: 1, dm: 0 },
    },
    {
      agentId: 'ada',
      state: 'offline',
      since: '2026-12-06T10:00:00.000Z',
      wrapUpEndsAt: '2026-12-06T10:00:30.000Z',
      cause: 'sign-out',
      actorId: 'carol',
      capacity: 3,
      load: 0,
      loadByChannel: { public: 0, dm: 0 },
      withdrawnOffers: [UUID_B],
      heldByOfflineAgent: [UUID_C],
    },
  ],
  [Topics.VoiceConsultation]: [
    { consultationId: UUID_A, interactionId: UUID_B, fromAgentId: 'ada', withAgentId: 'bob', topic: 'refund rules', requestedAt: 1_760_000_000_000 },
  ],
  [Topics.TelephonyCallRequest]: [
    { callRequestId: UUID_A, interactionId: UUID_B, contactId: UUID_C, agentId: 'ada', brandAccountId: '1700000000000000001', phone: '+33612345678', contactName: 'Dana', reason: 'order', requestedAt: 1_760_000_000_000 },
  ],
};

export const VALID_ENVELOPE_HEADERS: readonly object[] = [
  { eventId: UUID_A, occurredAt: '2026-11-24T09:00:00.000Z', correlationId: 'corr-1', schemaVersion: 1, producer: 'test', payload: {} },
  { eventId: UUID_B, occurredAt: '2026-11-24T09:00:00Z', correlationId: 'c', causationId: UUID_C, schemaVersion: 3, producer: 'gateway', payload: { a: 1 } },
];

/** Values that sit on the edges of the contracts' rules: every enum value, bounds, near-misses of each format. */
export const EDGE_VALUES: readonly unknown[] = [
  // enums of every contract (a changed `type`, `kind` or `status` flips the ValidateIf rules)
  'created', 'message-added', 'queued', 'offered', 'accepted', 'declined', 'offer-timed-out', 'completed', 'transferred',
  'transfer-offered', 'transfer-declined', 'transfer-timed-out', 'requirement-widened', 'conference-offered',
  'conference-joined', 'conference-declined', 'conference-timed-out', 'conference-left', 'conference-handed-over',
  'presence', 'accept', 'decline', 'complete', 'transfer', 'conference', 'leave-conference',
  'ready', 'not-ready', 'offline', 'wrap-up', 'agent', 'supervisor', 'sign-out', 'disconnect', 'offer-timeout', 'wrap-up-timeout',
  'reply', 'post', 'dm', 'follow', 'unfollow', 'sent', 'failed', 'waiting', 'public',
  'positive', 'negative', 'neutral', 'undeclared', 'actionable', 'not-actionable',
  'mention', 'quote', 'stream', 'mentions-poll', 'tweet-webhook', 'dm-webhook', 'dm-poll',
  // formats and their near-misses
  UUID_A, UUID_A.toUpperCase(), UUID_A.slice(1), '2026-11-24T09:00:00.000Z', '2026-11-24', '2026-13-24T09:00:00Z', 'yesterday',
  '42', '0', '-1', '1.5', '12345678901234567890', '+33612345678', '06 12 34', 'https://x.com/a', 'http://localhost/a', 'not a url',
  'en', 'EN', 'zh-Hant', 'en_US', 'und', 'a', 'ab', 'abc', '', ' ', 'x'.repeat(19), 'x'.repeat(20), 'x'.repeat(64), 'x'.repeat(65),
  'x'.repeat(129), '😀', '😀'.repeat(33), '\uFE0F', 'e\u0301', '\uD800',
  // numbers on the bounds
  0, -0, 1, -1, 0.5, 1.5, 2, 3, 49, 50, 51, 1e21, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity,
  true, false, null, [], [null], {}, [{}], ['a', 1],
];

export type ReferenceVerdict = { valid: true; value: unknown } | { valid: false; problems: ContractProblem[] } | { threw: string };

// The codec's flattening of class-validator errors before compiled validation, unchanged.
function flatten(errors: readonly ValidationError[], prefix = ''): ContractProblem[] {
  const out: ContractProblem[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/** What the codec did before compiled validation: plainToInstance, then validateSync with the codec's options. */
export function classValidatorVerdict(cls: new () => object, input: unknown, prefix: string): ReferenceVerdict {
  try {
    const instance = plainToInstance(cls, input) as object;
    const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
    return errors.length === 0 ? { valid: true, value: instance } : { valid: false, problems: flatten(errors, prefix) };
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}
