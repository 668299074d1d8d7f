import type { CustomerMessageEntry, InteractionView } from '@perch/desktop-api';
import { describe, expect, it } from 'vitest';

import { composeDm, composeReply, composeReplyFor, latestCustomerTweet, threadParticipants, weightedLength } from './composer.domain';

function message(entryId: string, at: number, author: string, mentions: string[], messageKind: CustomerMessageEntry['messageKind'] = 'mention'): CustomerMessageEntry {
  return {
    kind: 'customer-message',
    entryId,
    at,
    messageId: entryId,
    messageKind,
    text: `${mentions.map((m) => `@${m}`).join(' ')} hello`,
    authorId: `${author}-id`,
    authorUsername: author,
    authorName: author,
    createdAt: new Date(at).toISOString(),
    receivedAt: at,
    mentions,
  };
}

function viewOf(transcript: CustomerMessageEntry[]): InteractionView {
  return {
    id: 'i1',
    conversationKey: 'c1',
    brandAccountId: 'b1',
    correlationId: 'k1',
    priority: 1,
    state: 'active',
    agentId: 'ada',
    offerId: null,
    offerExpiresAt: null,
    firstMessage: { brandUsername: 'PerchAir' } as InteractionView['firstMessage'],
    classification: null,
    classificationCorrection: null,
    completion: null,
    transcript,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe('the public reply the composer shows', () => {
  it('puts the customer’s mention in front and counts it, as the gateway will post it', () => {
    const reply = composeReply({ typed: 'x'.repeat(300), replyTo: 'dana_flies' });
    expect(reply.inserted).toEqual(['dana_flies']);
    expect(reply.text.startsWith('@dana_flies x')).toBe(true);
    expect(reply.length).toBe(312);
  });

  it('does not insert a mention the agent already typed at the start, whatever its case', () => {
    const reply = composeReply({ typed: '@Dana_Flies thanks!', replyTo: 'dana_flies' });
    expect(reply.inserted).toEqual([]);
    expect(reply.typedMentions).toEqual(['Dana_Flies']);
    expect(reply.text).toBe('@Dana_Flies thanks!');
  });

  it('with reply-all, shows and counts every participant of the thread but the brand, each once', () => {
    const view = viewOf([message('m1', 1, 'dana_flies', ['PerchAir', 'sam_rides']), message('m2', 2, 'sam_rides', ['PerchAir', 'dana_flies'])]);
    const one = composeReplyFor(view, 'On it', false);
    const all = composeReplyFor(view, 'On it', true);
    expect(one?.text).toBe('@sam_rides On it');
    expect(all?.text).toBe('@sam_rides @dana_flies On it');
    expect(all?.inserted).toEqual(['sam_rides', 'dana_flies']);
    expect(all?.length).toBe(weightedLength('@sam_rides @dana_flies On it'));
  });

  it('offers no public reply in a DM-only conversation (there is no tweet to reply to)', () => {
    const view = viewOf([message('d1', 1, 'dana_flies', [], 'dm')]);
    expect(latestCustomerTweet(view)).toBeNull();
    expect(composeReplyFor(view, 'hi', false)).toBeNull();
  });

  it('answers the latest customer tweet, not a later DM', () => {
    const view = viewOf([message('m1', 1, 'dana_flies', []), message('m2', 5, 'sam_rides', []), message('d3', 9, 'dana_flies', [], 'dm')]);
    expect(latestCustomerTweet(view)?.entryId).toBe('m2');
    expect(threadParticipants(view)).toEqual(['dana_flies', 'sam_rides', 'dana_flies']);
  });

  it("counts X's weights: a link as 23, an emoji as 2", () => {
    expect(weightedLength('see https://example.com/a/very/long/path/indeed')).toBe(4 + 23);
    expect(weightedLength('☕')).toBe(2);
    expect(weightedLength('')).toBe(0);
  });

  it('sends a DM as typed, trimmed, counted in characters', () => {
    expect(composeDm('  Hi Dana ☕ ')).toMatchObject({ text: 'Hi Dana ☕', length: 9, max: 10_000 });
  });
});
