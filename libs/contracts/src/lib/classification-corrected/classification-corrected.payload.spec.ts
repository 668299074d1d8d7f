import { randomUUID } from 'node:crypto';

import { ContractViolationError, decodeEvent, validatePayload } from '../codec.util';
import { contractProblemFields as problemFields, expectRegisteredTopic, testEnvelope as envelope } from '../testing/payload-spec.fixtures';
import { type PayloadOf } from '../topic-map.types';
import { Topics } from '../topics.constants';
import { type ClassificationCorrectedPayload } from './classification-corrected.payload';

function correction(overrides: Partial<ClassificationCorrectedPayload> = {}): ClassificationCorrectedPayload {
  return {
    correctionId: randomUUID(),
    interactionId: randomUUID(),
    messageId: '1790000000000000001',
    brandAccountId: '1001',
    agentId: 'ada',
    text: '@PerchAir great, another delay. Just what I needed.',
    original: { sentiment: 'positive', sentimentScore: 0.71, actionability: 'not-actionable', actionabilityScore: 0.6, model: 'lexicon-baseline@1' },
    corrected: { sentiment: 'negative' },
    note: 'sarcasm',
    correctedAt: 1_760_000_000_000,
    ...overrides,
  };
}

describe('classification.corrected.v1', () => {
  it('is registered like every other topic: in ALL_TOPICS (start-up creates it and its .dlq), keyed by interaction', () => {
    const definition = expectRegisteredTopic(Topics.ClassificationCorrected, 'classification.corrected.v1');
    const payload = correction();
    expect(definition.keyOf(payload)).toBe(payload.interactionId);
  });

  it('accepts a correction of one label, of the other, or of both', () => {
    for (const corrected of [{ sentiment: 'neutral' }, { actionability: 'actionable' }, { sentiment: 'negative', actionability: 'actionable' }] as const) {
      const payload = correction({ corrected });
      expect(validatePayload(Topics.ClassificationCorrected, payload)).toBe(payload);
    }
  });

  it('decodes a correction and keeps the note optional', () => {
    const { note: _dropped, ...withoutNote } = correction();
    const decoded = decodeEvent(Topics.ClassificationCorrected, JSON.stringify(envelope(withoutNote)));
    expect(decoded.payload.corrected).toEqual({ sentiment: 'negative' });
    expect(decoded.payload.note).toBeUndefined();
  });

  it('refuses a correction that corrects nothing', () => {
    const fields = problemFields(() => validatePayload(Topics.ClassificationCorrected, correction({ corrected: {} })));
    expect(fields).toEqual(['payload.corrected.sentiment']);
    try {
      validatePayload(Topics.ClassificationCorrected, correction({ corrected: {} }));
    } catch (error) {
      expect((error as ContractViolationError).message).toMatch(/needs a sentiment, an actionability or both/);
    }
  });

  it("refuses 'undeclared' as a corrected label: a person picks a real one", () => {
    const raw = JSON.stringify(envelope({ ...correction(), corrected: { sentiment: 'undeclared', actionability: 'undeclared' } }));
    expect(problemFields(() => decodeEvent(Topics.ClassificationCorrected, raw))).toEqual([
      'payload.corrected.actionability',
      'payload.corrected.sentiment',
    ]);
  });

  it("accepts 'undeclared' as what the model originally said", () => {
    const payload = correction({ original: { ...correction().original, sentiment: 'undeclared', actionability: 'undeclared' } });
    expect(validatePayload(Topics.ClassificationCorrected, payload)).toBe(payload);
  });

  it('names every other bad field: ids, missing labels, a note over 500 characters', () => {
    const bad = { ...correction({ interactionId: 'nope', messageId: 'abc', note: 'n'.repeat(501) }), corrected: undefined };
    expect(problemFields(() => decodeEvent(Topics.ClassificationCorrected, JSON.stringify(envelope(bad))))).toEqual([
      'payload.corrected',
      'payload.interactionId',
      'payload.messageId',
      'payload.note',
    ]);
  });

  it('does not compile a correction on another topic, nor another payload on this one', () => {
    // The assertions are the compiler's: remove a directive and `tsc` fails.
    // @ts-expect-error a correction is not an agent command
    const onAgentCommands: PayloadOf<typeof Topics.AgentCommand> = correction();
    expect(() => validatePayload(Topics.AgentCommand, onAgentCommands)).toThrow(ContractViolationError);
    // @ts-expect-error a correction names the labels it corrects
    const withoutLabels: PayloadOf<typeof Topics.ClassificationCorrected> = { ...correction(), corrected: undefined };
    expect(() => validatePayload(Topics.ClassificationCorrected, withoutLabels)).toThrow(ContractViolationError);
    // @ts-expect-error 'undeclared' is not a label a person can give
    const undeclared: PayloadOf<typeof Topics.ClassificationCorrected> = correction({ corrected: { sentiment: 'undeclared' } });
    expect(() => validatePayload(Topics.ClassificationCorrected, undeclared)).toThrow(ContractViolationError);
  });
});
