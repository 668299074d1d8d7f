import { type ReceivedDirectMessage } from '@perch/x-client';

import { directMessageDedupeKey, DirectMessageNormalizer } from './direct-message-normalizer.domain';

const brands = [
  { id: '100', username: 'acme_support', token: 't1' },
  { id: '200', username: 'acme_billing', token: 't2' },
];

function dm(overrides: Partial<ReceivedDirectMessage> = {}): ReceivedDirectMessage {
  return {
    id: '1582838499983564806',
    forUserId: '100',
    senderId: '944480690',
    recipientId: '100',
    conversationId: '100-944480690',
    text: 'Hi, my parcel never arrived. Can @acme_billing refund me?',
    createdAt: '2022-10-19T20:58:00.000Z',
    sender: { id: '944480690', username: 'catperson', name: 'Cat', followersCount: 120, followingCount: 80, tweetCount: 3400, followsYou: true },
    ...overrides,
  };
}

describe(DirectMessageNormalizer.name, () => {
  const normalizer = new DirectMessageNormalizer(brands);

  it('turns a customer DM into an inbound dm keyed by brand and customer, threaded by X’s conversation id', () => {
    const result = normalizer.normalize(dm(), 1_700_000_000_000, 'dm-poll');
    expect(result).toEqual({
      kind: 'message',
      message: {
        messageId: '1582838499983564806',
        kind: 'dm',
        source: 'dm-poll',
        brandAccountId: '100',
        brandUsername: 'acme_support',
        conversationKey: '100:dm:944480690',
        threadId: '100-944480690',
        text: 'Hi, my parcel never arrived. Can @acme_billing refund me?',
        createdAt: '2022-10-19T20:58:00.000Z',
        mentions: ['acme_billing'],
        author: {
          id: '944480690',
          username: 'catperson',
          name: 'Cat',
          followersCount: 120,
          followingCount: 80,
          tweetCount: 3400,
          profileUrl: 'https://x.com/catperson',
          followsBrand: true,
        },
        receivedAt: 1_700_000_000_000,
      },
    });
  });

  it('gives the same message whichever source brought it, apart from the source', () => {
    const fromPoll = normalizer.normalize(dm(), 5, 'dm-poll');
    const fromWebhook = normalizer.normalize(dm(), 5, 'dm-webhook');
    if (fromPoll.kind !== 'message' || fromWebhook.kind !== 'message') throw new Error('expected messages');
    expect({ ...fromWebhook.message, source: 'dm-poll' }).toEqual(fromPoll.message);
  });

  it('leaves followsBrand out when X did not say (webhook senders carry no connection status)', () => {
    const result = normalizer.normalize(dm({ sender: { id: '944480690', username: 'catperson', name: 'Cat' } }), 1, 'dm-webhook');
    expect(result.kind === 'message' && 'followsBrand' in result.message.author).toBe(false);
  });

  it('derives the one-to-one conversation id when the source did not give one', () => {
    const result = normalizer.normalize(dm({ conversationId: undefined }), 1, 'dm-webhook');
    expect(result.kind === 'message' && result.message.threadId).toBe('100-944480690');
  });

  it('prefers the mentions X listed over reading the text', () => {
    const listed = normalizer.normalize(dm({ mentions: ['someone'] }), 1, 'dm-webhook');
    expect(listed.kind === 'message' && listed.message.mentions).toEqual(['someone']);
  });

  it('describes a sender X sent no profile for by id, so the message is still published', () => {
    const result = normalizer.normalize(dm({ sender: undefined, createdAt: undefined }), 1_700_000_000_000, 'dm-poll');
    expect(result.kind === 'message' && result.message).toMatchObject({
      author: { id: '944480690', username: 'user944480690', name: 'user944480690', followersCount: 0, profileUrl: 'https://x.com/user944480690' },
      createdAt: new Date(1_700_000_000_000).toISOString(),
    });
  });

  it('ignores the brand’s own outgoing DM, which X echoes into its inbox', () => {
    expect(normalizer.normalize(dm({ senderId: '100', recipientId: '944480690' }), 1, 'dm-webhook')).toEqual({ kind: 'ignored', reason: 'own-dm' });
  });

  it('ignores a DM between two brands Perch serves, so they never answer each other', () => {
    expect(normalizer.normalize(dm({ senderId: '200' }), 1, 'dm-poll')).toEqual({ kind: 'ignored', reason: 'own-dm' });
  });

  it('reports a DM for an account that is not a brand as invalid, naming the account', () => {
    const result = normalizer.normalize(dm({ forUserId: '999' }), 1, 'dm-webhook');
    expect(result).toEqual({ kind: 'invalid', reason: 'direct message 1582838499983564806 is for account 999, which is not a brand Perch serves' });
  });

  it('reports a DM without a usable id as invalid', () => {
    expect(normalizer.normalize(dm({ id: 'abc' }), 1, 'dm-poll').kind).toBe('invalid');
  });

  it('keys DMs apart from tweets in the dedupe store', () => {
    expect(directMessageDedupeKey('1582838499983564806')).toBe('dm:1582838499983564806');
  });
});
