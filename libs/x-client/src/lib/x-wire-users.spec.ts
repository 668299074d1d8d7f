// Wire contract of user lookup, follows and auth, through twitter-api-v2.
import { Agent } from 'node:http';

import { TwitterApi } from 'twitter-api-v2';

import { BRAND_TOKEN, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';
import { redirectPlugin } from './twitter-client-pool.adapter';

const USER_FIELDS = ['public_metrics', 'created_at', 'description', 'verified', 'protected', 'connection_status', 'receives_your_dm'] as const;

describe('users wire format (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;

  beforeAll(async () => {
    world = await startSimulatorWorld();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.sim.reset());

  it('returns the calling user on /2/users/me', async () => {
    const me = await world.brandClient.v2.me({ 'user.fields': ['public_metrics', 'verified'] });
    expect(me.data).toMatchObject({ id: world.brand.id, username: 'acme_support', verified: true, public_metrics: { followers_count: 125_000 } });
  });

  it('looks up a user with public_metrics and connection_status relative to the caller', async () => {
    const cat = world.sim.createAccount({ username: 'cat', kind: 'customer', followersCount: 50, followsBrand: ['acme_support'] });
    const res = await world.brandClient.v2.user(cat.id, { 'user.fields': [...USER_FIELDS] });
    expect(res.data).toEqual({
      id: cat.id,
      name: 'cat',
      username: 'cat',
      created_at: expect.any(String),
      description: '',
      verified: false,
      protected: false,
      public_metrics: { followers_count: 50, following_count: 1, tweet_count: 0, listed_count: 0, like_count: 0 },
      connection_status: ['followed_by'],
      receives_your_dm: true,
    });
    await world.brandClient.v2.follow(world.brand.id, cat.id);
    const after = await world.brandClient.v2.user(cat.id, { 'user.fields': ['connection_status'] });
    expect(after.data.connection_status).toEqual(['followed_by', 'following']);
  });

  it('looks up by username and by ids, with not-found entries as errors in a 200', async () => {
    world.customer('cat');
    expect((await world.app.v2.userByUsername('CAT')).data.username).toBe('cat');
    const missing = await world.app.v2.userByUsername('nobody');
    expect(missing.data).toBeUndefined();
    expect(missing.errors).toEqual([
      expect.objectContaining({ detail: 'Could not find user with username: [nobody].', parameter: 'username', resource_type: 'user' }),
    ]);
    const many = await world.app.v2.users([world.brand.id, '42']);
    expect(many.data.map((u) => u.username)).toEqual(['acme_support']);
    expect(many.errors).toHaveLength(1);
  });

  it('rejects unknown user.fields values with a 400 naming them', async () => {
    await expect(world.app.v2.user(world.brand.id, { 'user.fields': ['shoe_size' as 'id'] })).rejects.toMatchObject({ code: 400 });
  });

  it('lists the brand\'s followers newest first with pagination', async () => {
    for (const name of ['a1', 'a2', 'a3']) world.customer(name, { followsBrand: true });
    const first = await world.brandClient.v2.followers(world.brand.id, { max_results: 2 });
    expect(first.data.map((u) => u.username)).toEqual(['a3', 'a2']);
    expect(first.meta).toMatchObject({ result_count: 2, next_token: expect.any(String) });
    const second = await world.brandClient.v2.followers(world.brand.id, { max_results: 2, pagination_token: first.meta.next_token });
    expect(second.data.map((u) => u.username)).toEqual(['a1']);
    expect(second.meta.next_token).toBeUndefined();
  });

  it('follows and unfollows with X\'s response bodies; protected accounts stay pending', async () => {
    const cat = world.customer('cat');
    expect(await world.brandClient.v2.follow(world.brand.id, cat.id)).toEqual({ data: { following: true, pending_follow: false } });
    expect(await world.brandClient.v2.unfollow(world.brand.id, cat.id)).toEqual({ data: { following: false } });
    const locked = world.sim.createAccount({ username: 'locked', kind: 'customer', protected: true });
    expect(await world.brandClient.v2.follow(world.brand.id, locked.id)).toEqual({ data: { following: false, pending_follow: true } });
  });

  it('refuses following on behalf of another account', async () => {
    const cat = world.customer('cat');
    await expect(world.brandClient.v2.follow(cat.id, world.brand.id)).rejects.toMatchObject({ code: 403 });
  });

  it('answers a missing or unknown token with 401 and a problem body', async () => {
    await expect(world.clientFor('nope').v2.me()).rejects.toMatchObject({
      code: 401,
      isAuthError: true,
      data: { title: 'Unauthorized', status: 401 },
    });
  });

  it('accepts OAuth 1.0a user context, reading oauth_token as the user token (signature not verified)', async () => {
    const client = new TwitterApi(
      { appKey: 'key', appSecret: 'secret', accessToken: BRAND_TOKEN, accessSecret: 'whatever' },
      { httpAgent: new Agent({ keepAlive: true }), plugins: [redirectPlugin(world.baseUrl)] },
    );
    expect((await client.v2.me()).data.username).toBe('acme_support');
  });
});
