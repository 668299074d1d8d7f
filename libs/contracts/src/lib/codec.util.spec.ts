import { randomUUID } from 'node:crypto';

import { ContractViolationError, decodeEvent, validatePayload } from './codec.util';
import { type EventEnvelope } from './envelope/event-envelope.types';
import { type InboundReceivedPayload } from './inbound-received';
import { type PayloadOf } from './topic-map.types';
import { Topics } from './topics.constants';

function inbound(overrides: Partial<InboundReceivedPayload> = {}): InboundReceivedPayload {
  return {
    messageId: '1234567890',
    kind: 'mention',
    source: 'stream',
    brandAccountId: '100',
    brandUsername: 'acme_support',
    conversationKey: '100:1234567890',
    threadId: '1234567890',
    text: '@acme_support my order is late',
    createdAt: '2026-11-24T09:00:00.000Z',
    mentions: ['acme_support'],
    author: {
      id: '42',
      username: 'catperson',
      name: 'Cat',
      followersCount: 10,
      followingCount: 5,
      tweetCount: 99,
      profileUrl: 'https://x.com/catperson',
    },
    receivedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function envelope<P>(payload: P, overrides: Partial<EventEnvelope<P>> = {}): EventEnvelope<P> {
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-1',
    schemaVersion: 1,
    producer: 'test',
    payload,
    ...overrides,
  };
}

describe('decodeEvent', () => {
  it('returns a typed envelope for a valid message', () => {
    const decoded = decodeEvent(Topics.InboundReceived, JSON.stringify(envelope(inbound())));
    expect(decoded.payload.author.username).toBe('catperson');
    expect(decoded.correlationId).toBe('corr-1');
  });

  it('refuses text that is not JSON', () => {
    expect(() => decodeEvent(Topics.InboundReceived, '{not json')).toThrow(ContractViolationError);
  });

  it('names its violations ContractViolationError, by which failure classification dead-letters them without retrying', () => {
    expect(new ContractViolationError(Topics.InboundReceived, 'bad').name).toBe('ContractViolationError');
  });

  it('refuses an unknown schema version and names it', () => {
    const raw = JSON.stringify(envelope(inbound(), { schemaVersion: 2 }));
    expect(() => decodeEvent(Topics.InboundReceived, raw)).toThrow(/unsupported schemaVersion 2/);
  });

  it('names every invalid field of the payload', () => {
    const bad = { ...inbound(), messageId: 'abc', author: { ...inbound().author, followersCount: -1 } };
    try {
      decodeEvent(Topics.InboundReceived, JSON.stringify(envelope(bad)));
      throw new Error('expected a violation');
    } catch (error) {
      expect(error).toBeInstanceOf(ContractViolationError);
      const fields = (error as ContractViolationError).problems.map((p) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['payload.messageId', 'payload.author.followersCount']));
    }
  });

  it('dead-letters a message whose list holds an object with a "constructor" key, on which plainToInstance used to crash', () => {
    const raw = JSON.stringify(envelope(inbound())).replace('"mentions":["acme_support"]', '"mentions":[{"constructor":1}]');
    expect(() => decodeEvent(Topics.InboundReceived, raw)).toThrow(ContractViolationError);
    expect(() => decodeEvent(Topics.InboundReceived, raw)).toThrow(/payload\.mentions \(each value in mentions must be a string\)/);
  });

  it('refuses an envelope without a correlation id', () => {
    const { correlationId: _dropped, ...rest } = envelope(inbound());
    expect(() => decodeEvent(Topics.InboundReceived, JSON.stringify(rest))).toThrow(/correlationId/);
  });

  it('requires the agent and offer on an offered lifecycle event', () => {
    const payload = {
      interactionId: randomUUID(),
      type: 'offered',
      conversationKey: '100:1',
      brandAccountId: '100',
      priority: 1,
    };
    expect(() => decodeEvent(Topics.InteractionLifecycle, JSON.stringify(envelope(payload)))).toThrow(
      /agentId.*offerId|offerId.*agentId/s,
    );
  });

  it('decodes a transferred lifecycle event, which names the transferring agent', () => {
    const payload = { interactionId: randomUUID(), type: 'transferred', conversationKey: '100:1', brandAccountId: '100', priority: 1 };
    expect(() => decodeEvent(Topics.InteractionLifecycle, JSON.stringify(envelope(payload)))).toThrow(/agentId/);
    const decoded = decodeEvent(Topics.InteractionLifecycle, JSON.stringify(envelope({ ...payload, agentId: 'ada', reason: 'billing' })));
    expect(decoded.payload.type).toBe('transferred');
  });
});

describe('language and returning customers (ADR 0017)', () => {
  it("accepts a message with or without X's language tag, and refuses one that is not a language tag", () => {
    expect(validatePayload(Topics.InboundReceived, inbound()).lang).toBeUndefined();
    for (const lang of ['en', 'fr', 'pt-BR', 'und', 'zh-Hant']) expect(validatePayload(Topics.InboundReceived, inbound({ lang })).lang).toBe(lang);
    for (const lang of ['EN', 'french', 'f', 'en_US', '']) {
      expect(() => validatePayload(Topics.InboundReceived, inbound({ lang }))).toThrow(/lang/);
    }
  });

  it('decodes an offered lifecycle event marked sticky, and refuses a sticky that is not a boolean', () => {
    const payload = {
      interactionId: randomUUID(),
      type: 'offered',
      conversationKey: '100:1',
      brandAccountId: '100',
      priority: 1,
      agentId: 'ada',
      offerId: randomUUID(),
      offerExpiresAt: new Date().toISOString(),
      message: inbound(),
      classification: { sentiment: 'negative', sentimentScore: 0.9, actionability: 'actionable', actionabilityScore: 0.8, sentimentFeatures: [], actionabilityFeatures: [], model: 'm' },
    };
    expect(decodeEvent(Topics.InteractionLifecycle, JSON.stringify(envelope({ ...payload, sticky: true }))).payload.sticky).toBe(true);
    expect(() => decodeEvent(Topics.InteractionLifecycle, JSON.stringify(envelope({ ...payload, sticky: 'yes' })))).toThrow(/sticky/);
  });
});

describe('the topic-to-payload map', () => {
  it('accepts the right payload for a topic', () => {
    const payload: PayloadOf<typeof Topics.InboundReceived> = inbound();
    expect(validatePayload(Topics.InboundReceived, payload)).toBe(payload);
  });

  it('does not compile a payload on the wrong topic', () => {
    // The assertion is the compiler's: remove the directive and `tsc` fails.
    // @ts-expect-error an inbound message is not an agent command
    const wrong: PayloadOf<typeof Topics.AgentCommand> = inbound();
    expect(() => validatePayload(Topics.AgentCommand, wrong)).toThrow(ContractViolationError);
  });
});
