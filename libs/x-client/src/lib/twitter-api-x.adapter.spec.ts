import { RetryableError } from '@perch/platform';
import { REALISTIC_RATE_LIMITS } from '@perch/x-simulator';

import { startSimulatorWorld, BRAND, BRAND_TOKEN } from './testing/simulator-world';
import { describeXApiContract } from './testing/x-api-contract';
import { TwitterApiXAdapter } from './twitter-api-x.adapter';

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
  it('turns a spent rate-limit window into a RetryableError that says when to retry', async () => {
    const world = await startSimulatorWorld({
      rateLimits: {
        ...REALISTIC_RATE_LIMITS,
        'tweets.create': { user: { limit: 1, windowMs: 60_000 } },
      },
    });
    try {
      const adapter = new TwitterApiXAdapter({ apiBaseUrl: world.baseUrl });
      const first = await adapter.postTweet({ brandToken: BRAND_TOKEN, text: 'one' });
      expect(first.rateLimit).toMatchObject({ limit: 1, remaining: 0 });
      const failure = await adapter.postTweet({ brandToken: BRAND_TOKEN, text: 'two' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RetryableError);
      expect(failure).toMatchObject({ code: 'x-rate-limited', details: { status: 429 } });
      const wait = (failure as RetryableError).retryAfterMs!;
      expect(wait).toBeGreaterThan(50_000);
      expect(wait).toBeLessThanOrEqual(61_000);
    } finally {
      await world.stop();
    }
  });

  it('maps a connection failure to a retryable x-network error', async () => {
    const adapter = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });
    await expect(adapter.me(BRAND_TOKEN)).rejects.toMatchObject({ code: 'x-network', disposition: 'retry' });
  });
});
