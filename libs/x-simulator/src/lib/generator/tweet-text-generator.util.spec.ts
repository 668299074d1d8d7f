import { defined } from '@perch/testing';
import { parseTweet } from 'twitter-text';

import { generateCustomerProfiles } from './customer-profiles.util';
import { generateTweets, generateTweetTexts } from './tweet-text-generator.util';

describe('tweet text generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateTweetTexts({ count: 50, brand: 'acme_support', seed: 'one' });
    expect(generateTweetTexts({ count: 50, brand: 'acme_support', seed: 'one' })).toEqual(a);
    expect(generateTweetTexts({ count: 50, brand: 'acme_support', seed: 'two' })).not.toEqual(a);
  });

  it('always mentions the brand and stays within 280 weighted characters', () => {
    const tweets = generateTweets({ count: 5000, brand: 'acme_support', seed: 'bounds', followupRatio: 0.1 });
    for (const { text } of tweets) {
      expect(text).toContain('@acme_support');
      const parsed = parseTweet(text);
      expect(parsed.valid).toBe(true);
      expect(parsed.weightedLength).toBeLessThanOrEqual(280);
    }
  });

  it('produces mostly distinct texts with every category and complaint topic represented', () => {
    const tweets = generateTweets({ count: 5000, brand: 'acme_support', seed: 'variety', followupRatio: 0.05 });
    const distinct = new Set(tweets.map((t) => t.text));
    expect(distinct.size).toBeGreaterThan(4500);
    const categories = new Set(tweets.map((t) => t.category));
    expect([...categories].sort()).toEqual(['chitchat', 'complaint', 'followup', 'praise', 'question']);
    const topics = new Set(tweets.map((t) => t.topic).filter(Boolean));
    expect(topics).toEqual(new Set(['late-order', 'billing', 'outage', 'login', 'refund', 'damaged', 'wait-times', 'price']));
  });

  it('follows the requested mix', () => {
    const tweets = generateTweets({ count: 4000, brand: 'acme', seed: 'mix', mix: { complaint: 1, question: 0, praise: 0, chitchat: 0 } });
    expect(tweets.every((t) => t.category === 'complaint')).toBe(true);
  });

  it('fills every slot (no {placeholders} left)', () => {
    for (const text of generateTweetTexts({ count: 3000, brand: 'acme_support', seed: 'slots', followupRatio: 0.2 })) {
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });
});

describe('customer profiles', () => {
  it('creates unique valid usernames with heavy-tailed follower counts', () => {
    const profiles = generateCustomerProfiles(2000, 'seed');
    const names = profiles.map((p) => p.username.toLowerCase());
    expect(new Set(names).size).toBe(2000);
    for (const p of profiles) expect(p.username).toMatch(/^[A-Za-z0-9_]{1,15}$/);
    const followers = profiles.map((p) => p.followersCount).sort((a, b) => a - b);
    const median = defined(followers[1000], 'the median follower count');
    expect(median).toBeGreaterThan(50);
    expect(median).toBeLessThan(1000);
    expect(followers[1990]).toBeGreaterThan(median * 10);
  });

  it('is deterministic for a seed', () => {
    expect(generateCustomerProfiles(20, 'x')).toEqual(generateCustomerProfiles(20, 'x'));
  });
});
