import { RetryableError } from '@perch/platform';
import { REALISTIC_RATE_LIMITS } from '@perch/x-simulator';

import { startSimulatorWorld, BRAND, BRAND_TOKEN } from './testing/simulator-world.fixtures';
import { describeXApiContract } from './testing/x-api.contract';
import { RateLimitBudget } from './rate-limit-budget.domain';
import { TwitterApiXAdapter, tweetMatchKey } from './twitter-api-x.adapter';

describeXApiContract('TwitterApiXAdapter against the simulator', async () => {
  const world = await startSimulatorWorld();
  const follower = world.customer('loyal_lucy', { followsBrand: true, followersCount: 321 });
  const stranger = world.customer('random_rob');
  return {
    port: new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl }),
    brandToken: BRAND_TOKEN,
    brandId: world.brand.id,
    follower,
    stranger,
    customerTweet: (text) => Promise.resolve(world.sim.createTweet({ authorUsername: follower.username, text }).id),
    brandTweets: () => Promise.resolve(world.sim.tweetsOf(BRAND)),
    close: () => world.stop(),
  };
});

describe('TwitterApiXAdapter', () => {
  it('does not send a call whose window is spent: it fails as retryable, saying when, and X refuses nothing', async () => {
    const world = await startSimulatorWorld({
      rateLimits: {
        ...REALISTIC_RATE_LIMITS,
        'tweets.create': { user: { limit: 1, windowMs: 60_000 } },
      },
    });
    try {
      const adapter = new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl, budget: new RateLimitBudget({ maxWaitMs: 1000 }) });
      const first = await adapter.postTweet({ brandToken: BRAND_TOKEN, text: 'one' });
      expect(first.rateLimit).toMatchObject({ limit: 1, remaining: 0 });
      const failure = await adapter.postTweet({ brandToken: BRAND_TOKEN, text: 'two' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RetryableError);
      expect(failure).toMatchObject({ code: 'x-rate-limited' });
      const wait = (failure as RetryableError).retryAfterMs ?? 0;
      expect(wait).toBeGreaterThan(50_000);
      expect(wait).toBeLessThanOrEqual(62_000);
      expect(world.sim.stats().rateLimited).toBe(0);
    } finally {
      await world.stop();
    }
  });

  it('turns X’s own 429 into a RetryableError that says when to retry once its retries are spent', async () => {
    const world = await startSimulatorWorld({
      rateLimits: { ...REALISTIC_RATE_LIMITS, 'tweets.create': { user: { limit: 1, windowMs: 60_000 } } },
    });
    try {
      // Two adapters share the brand's window on X but not their budgets: the second learns it from a 429.
      await new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl }).postTweet({ brandToken: BRAND_TOKEN, text: 'one' });
      const unaware = new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl, budget: new RateLimitBudget({ maxWaitMs: 1000 }) });
      const failure = await unaware.postTweet({ brandToken: BRAND_TOKEN, text: 'two' }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'x-rate-limited' });
      expect((failure as RetryableError).retryAfterMs).toBeGreaterThan(50_000);
      expect(world.sim.stats().rateLimited).toBe(1);
    } finally {
      await world.stop();
    }
  });

  it('waits for the window instead of failing: a burst larger than the window is posted, each reply once', async () => {
    const world = await startSimulatorWorld({
      rateLimits: { ...REALISTIC_RATE_LIMITS, 'tweets.create': { user: { limit: 3, windowMs: 1000 } } },
    });
    try {
      const adapter = new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl });
      const texts = Array.from({ length: 7 }, (_, i) => `update number ${i + 1} on your order`);
      const posted = await Promise.all(texts.map((text) => adapter.postTweet({ brandToken: BRAND_TOKEN, text })));
      expect(posted.map((p) => p.text).sort()).toEqual([...texts].sort());
      const onX = world.sim.tweetsOf(BRAND).filter((t) => texts.includes(t.text));
      expect(onX).toHaveLength(7);
    } finally {
      await world.stop();
    }
  }, 20_000);

  it('finds a reply the brand already posted, by the tweet it answers and its words', async () => {
    const world = await startSimulatorWorld();
    try {
      const customer = world.customer('lost_luggage');
      const question = world.sim.createTweet({ authorUsername: customer.username, text: `@${BRAND} where is my bag?` }).id;
      const adapter = new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl });
      const text = `@${customer.username} It is on the next flight, sorry!`;
      const posted = await adapter.postTweet({ brandToken: BRAND_TOKEN, text, inReplyToTweetId: question });
      const query = { brandToken: BRAND_TOKEN, brandId: world.brand.id, inReplyToTweetId: question };
      expect(await adapter.findTweet({ ...query, text })).toMatchObject({ tweetId: posted.tweetId });
      expect(await adapter.findTweet({ ...query, text: `@${customer.username} Something else` })).toBeUndefined();
      expect(await adapter.findTweet({ ...query, inReplyToTweetId: '1', text })).toBeUndefined();
    } finally {
      await world.stop();
    }
  });

  it('maps a connection failure to a retryable x-network error', async () => {
    const adapter = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
    await expect(adapter.me(BRAND_TOKEN)).rejects.toMatchObject({ code: 'x-network', disposition: 'retry' });
  });

  it('recognises a tweet as X stores it: populated mentions, escaped &, < and >, and URLs turned into t.co links', () => {
    const sent = 'Track it at https://perch.com/orders/1234?ref=x & ask <support> for help';
    const stored = '@dana_flies Track it at https://t.co/AbC123xyz &amp; ask &lt;support&gt; for help';
    expect(tweetMatchKey(stored)).toBe(tweetMatchKey(sent));
    expect(tweetMatchKey('Track it at perch.com/orders & ask')).toBe(tweetMatchKey('Track it at https://t.co/Zz9 &amp; ask'));
    expect(tweetMatchKey(stored)).not.toBe(tweetMatchKey('Track it at https://perch.com/orders/1234 and ask <support> for help'));
  });
});
