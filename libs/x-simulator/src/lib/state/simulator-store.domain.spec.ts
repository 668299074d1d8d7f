import { defined } from '@perch/testing';

import { SimulatorStore } from './simulator-store.domain';

function store(options: Partial<ConstructorParameters<typeof SimulatorStore>[0]> = {}): SimulatorStore {
  return new SimulatorStore({ maxStoredTweets: 1000, autoPopulateReplyMentions: true, now: Date.now, ...options });
}

describe('SimulatorStore', () => {
  it('resolves mentions to user ids with code-point offsets (emoji count as one)', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const tweet = s.createTweet({ authorId: cat.id, text: '😡 @ACME_support late again', origin: 'admin' });
    expect(tweet.mentions).toEqual([{ start: 2, end: 15, username: 'acme_support', id: brand.id }]);
    expect(s.mentionsOf(brand.id).map((t) => t.id)).toEqual([tweet.id]);
  });

  it('prefixes replies with the parent author and its mentions, minus the replier and exclusions', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const dog = s.createUser({ username: 'dog', kind: 'customer' });
    const root = s.createTweet({ authorId: cat.id, text: '@acme_support @dog my order is late', origin: 'admin' });
    const reply = s.createTweet({ authorId: brand.id, text: 'Sorry! Sending a DM.', inReplyToTweetId: root.id, origin: 'api' });
    expect(reply.text).toBe('@cat @dog Sorry! Sending a DM.');
    expect(reply.displayTextRange).toEqual([10, 30]);
    expect(reply.conversationId).toBe(root.id);
    expect(reply.inReplyToUserId).toBe(cat.id);
    const excluded = s.createTweet({
      authorId: brand.id,
      text: 'Only to cat',
      inReplyToTweetId: root.id,
      excludeReplyUserIds: [dog.id, cat.id],
      origin: 'api',
    });
    // The replied-to author cannot be excluded; others can.
    expect(excluded.text).toBe('@cat Only to cat');
  });

  it('forgets the oldest tweets beyond the retention cap, everywhere', () => {
    const s = store({ maxStoredTweets: 10 });
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const tweets = Array.from({ length: 25 }, (_, i) => s.createTweet({ authorId: cat.id, text: `@acme_support ${i}`, origin: 'admin' }));
    expect(s.tweetCount()).toBe(10);
    expect(s.tweetById(defined(tweets[0], 'the first tweet').id)).toBeUndefined();
    expect(s.mentionsOf(brand.id)).toHaveLength(10);
    expect(s.publicMetrics(cat).tweet_count).toBe(10);
    expect(s.tweetsSince(0).map((t) => t.id)).toEqual(tweets.slice(15).map((t) => t.id));
  });

  it('hides deleted tweets from lookups and timelines', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const tweet = s.createTweet({ authorId: cat.id, text: '@acme_support hi', origin: 'admin' });
    expect(s.deleteTweet(tweet.id)).toBe(true);
    expect(s.tweetById(tweet.id)).toBeUndefined();
    expect(s.mentionsOf(brand.id)).toEqual([]);
    expect(s.deleteTweet(tweet.id)).toBe(false);
  });

  it('adds follow edges on top of the declared counts', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand', base: { followers: 100 } });
    const cat = s.createUser({ username: 'cat', kind: 'customer', base: { following: 5 } });
    s.follow(cat.id, brand.id);
    expect(s.publicMetrics(brand).followers_count).toBe(101);
    expect(s.publicMetrics(cat).following_count).toBe(6);
    expect(s.isFollowing(cat.id, brand.id)).toBe(true);
    s.unfollow(cat.id, brand.id);
    expect(s.publicMetrics(brand).followers_count).toBe(100);
  });
});

describe('SimulatorStore direct messages and follow events', () => {
  it('stores DMs with snowflake ids from the tweet sequence, in per-user and per-conversation views', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const dog = s.createUser({ username: 'dog', kind: 'customer' });
    const tweet = s.createTweet({ authorId: cat.id, text: '@acme_support hi', origin: 'admin' });
    const dm = s.createDirectMessage({ senderId: cat.id, recipientId: brand.id, text: 'order #123 @acme_support', origin: 'admin' });
    s.createDirectMessage({ senderId: dog.id, recipientId: brand.id, text: 'hello', origin: 'admin' });
    expect(BigInt(dm.id)).toBeGreaterThan(BigInt(tweet.id));
    expect(dm).toMatchObject({
      eventType: 'MessageCreate',
      conversationId: `${brand.id}-${cat.id}`,
      participantIds: [brand.id, cat.id],
      mentions: [{ username: 'acme_support', id: brand.id }],
    });
    expect(s.dmEventsOf(brand.id)).toHaveLength(2);
    expect(s.dmEventsOf(cat.id).map((e) => e.id)).toEqual([dm.id]);
    expect(s.dmEventsInConversation(dm.conversationId).map((e) => e.id)).toEqual([dm.id]);
  });

  it('forgets the oldest DMs beyond the retention cap in every view', () => {
    const s = store({ maxStoredTweets: 3 });
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const sent = Array.from({ length: 5 }, (_, i) => s.createDirectMessage({ senderId: cat.id, recipientId: brand.id, text: `m${i}`, origin: 'admin' }));
    expect(s.allDmEvents().map((e) => e.text)).toEqual(['m2', 'm3', 'm4']);
    expect(s.dmEventsOf(cat.id).map((e) => e.id)).toEqual(sent.slice(2).map((e) => e.id));
    expect(s.dmEventsInConversation(sent[0].conversationId)).toHaveLength(3);
    expect(s.dmEventsCreated).toBe(5);
  });

  it('announces new follow edges and removed ones, but not repeats or declared initial state', () => {
    const s = store();
    const brand = s.createUser({ username: 'acme_support', kind: 'brand' });
    const cat = s.createUser({ username: 'cat', kind: 'customer' });
    const dog = s.createUser({ username: 'dog', kind: 'customer' });
    const changes: string[] = [];
    s.onFollowChange((c) => changes.push(`${c.type}:${c.sourceId}>${c.targetId}`));
    s.follow(dog.id, brand.id, false);
    expect(s.follow(cat.id, brand.id)).toBe(true);
    expect(s.follow(cat.id, brand.id)).toBe(false);
    expect(s.unfollow(cat.id, brand.id)).toBe(true);
    expect(s.unfollow(cat.id, brand.id)).toBe(false);
    expect(changes).toEqual([`follow:${cat.id}>${brand.id}`, `unfollow:${cat.id}>${brand.id}`]);
    expect(s.isFollowing(dog.id, brand.id)).toBe(true);
  });
});
