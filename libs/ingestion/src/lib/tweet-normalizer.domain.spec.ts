import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { TweetNormalizer } from './tweet-normalizer.domain';

const brand = { id: '100', username: 'acme_support', token: 't' };

function streamResult(overrides: Partial<TweetV2SingleStreamResult['data']> = {}): TweetV2SingleStreamResult {
  return {
    data: {
      id: '555',
      text: '@acme_support my parcel never arrived',
      author_id: '42',
      conversation_id: '555',
      created_at: '2026-11-24T09:00:00.000Z',
      edit_history_tweet_ids: ['555'],
      ...overrides,
    },
    includes: {
      users: [
        {
          id: '42',
          name: 'Cat Person',
          username: 'catperson',
          public_metrics: { followers_count: 120, following_count: 80, tweet_count: 3400, listed_count: 1 },
        },
      ],
    },
    matching_rules: [{ id: '1', tag: 'brand:100' }],
  };
}

describe(TweetNormalizer.name, () => {
  const normalizer = new TweetNormalizer([brand]);

  it('turns a mention into an inbound message keyed by brand and thread', () => {
    const result = normalizer.normalize(streamResult(), 1_700_000_000_000);
    expect(result.kind).toBe('message');
    if (result.kind !== 'message') return;
    expect(result.message).toMatchObject({
      messageId: '555',
      kind: 'mention',
      brandAccountId: '100',
      conversationKey: '100:555',
      mentions: ['acme_support'],
      author: { id: '42', username: 'catperson', followersCount: 120, tweetCount: 3400, profileUrl: 'https://x.com/catperson' },
      receivedAt: 1_700_000_000_000,
    });
  });

  it('keeps a reply in its thread so it joins the open conversation', () => {
    const result = normalizer.normalize(
      streamResult({ id: '556', conversation_id: '555', referenced_tweets: [{ type: 'replied_to', id: '555' }] }),
      1,
    );
    expect(result.kind === 'message' && result.message).toMatchObject({ kind: 'reply', conversationKey: '100:555', inReplyToTweetId: '555' });
  });

  it("carries X's detected language for routing's skill rules, and leaves out a value the contract would refuse", () => {
    const french = normalizer.normalize(streamResult({ lang: 'fr' }), 1);
    expect(french.kind === 'message' && french.message.lang).toBe('fr');
    const none = normalizer.normalize(streamResult(), 1);
    expect(none.kind === 'message' && 'lang' in none.message).toBe(false);
    const odd = normalizer.normalize(streamResult({ lang: 'Not a tag' }), 1);
    expect(odd.kind).toBe('message');
    expect(odd.kind === 'message' && 'lang' in odd.message).toBe(false);
  });

  it("ignores the brand's own tweets", () => {
    expect(normalizer.normalize(streamResult({ author_id: '100' }), 1)).toEqual({ kind: 'ignored', reason: 'own-tweet' });
  });

  it('ignores tweets that reach no brand it serves', () => {
    const result = normalizer.normalize({ ...streamResult({ text: 'hello @someone_else' }), matching_rules: [] }, 1);
    expect(result).toEqual({ kind: 'ignored', reason: 'not-for-a-brand' });
  });

  it('reports a tweet without an author as invalid', () => {
    const result = normalizer.normalize(streamResult({ author_id: undefined }), 1);
    expect(result.kind).toBe('invalid');
  });
});
