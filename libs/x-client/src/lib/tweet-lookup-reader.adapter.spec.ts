// TweetLookupReader against the simulator's GET /2/tweets?ids=.
import { TweetLookupReader } from './tweet-lookup-reader.adapter';
import { BRAND_TOKEN, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

describe(TweetLookupReader.name, () => {
  let world: SimulatorWorld;

  beforeAll(async () => {
    world = await startSimulatorWorld({ rateLimits: 'unlimited' });
  });
  afterAll(() => world.stop());

  it('returns tweets in the stream’s shape with their thread root and author, and leaves out ids X does not have', async () => {
    const cat = world.customer('cat', { followersCount: 7 });
    const root = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support my order is late' }).id;
    const reply = world.sim.createTweet({ authorUsername: 'cat', text: 'still waiting', inReplyToTweetId: root }).id;
    const found = await new TweetLookupReader({ apiBaseUrl: world.baseUrl }).lookup(BRAND_TOKEN, [reply, '1999999999999999999']);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      data: { id: reply, author_id: cat.id, conversation_id: root, referenced_tweets: [{ type: 'replied_to', id: root }] },
      includes: { users: [expect.objectContaining({ id: cat.id, username: 'cat', public_metrics: expect.objectContaining({ followers_count: 7 }) })] },
      matching_rules: [],
    });
  });

  it('asks X nothing for no ids', async () => {
    const before = world.sim.stats().requests;
    expect(await new TweetLookupReader({ apiBaseUrl: world.baseUrl }).lookup(BRAND_TOKEN, [])).toEqual([]);
    expect(world.sim.stats().requests).toBe(before);
  });
});
