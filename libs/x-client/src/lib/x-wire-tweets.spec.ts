// Wire contract of tweet creation, lookup, deletion and the mentions timeline, through twitter-api-v2.
import {
  DUPLICATE_CONTENT_DETAIL,
  REPLY_NOT_ALLOWED_DETAIL,
  REPLY_TO_MISSING_DETAIL,
  TWEET_TOO_LONG_DETAIL,
} from '@perch/x-simulator';

import { APP_TOKEN, refusal, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

describe('tweets wire format (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;

  beforeAll(async () => {
    world = await startSimulatorWorld();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.sim.reset());

  it('creates a tweet (201) and returns id, text and edit_history_tweet_ids', async () => {
    const res = await world.brandClient.v2.tweet('We are looking into the outage.');
    expect(res.data).toEqual({ id: expect.stringMatching(/^\d{19}$/), text: 'We are looking into the outage.', edit_history_tweet_ids: [res.data.id] });
  });

  it('replies in the conversation of a customer who mentioned the brand', async () => {
    const cat = world.customer('cat');
    const root = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support where is my refund?' });
    const reply = await world.brandClient.v2.reply('Sorry for the wait, it is on its way.', root.id);
    expect(reply.data.text).toBe('@cat Sorry for the wait, it is on its way.');
    // display_text_range is missing from the library's field type, so ask through the generic get().
    const fetched = await world.brandClient.v2.get<{ data: Record<string, unknown> }>(`tweets/${reply.data.id}`, {
      'tweet.fields': 'in_reply_to_user_id,referenced_tweets,conversation_id,author_id,display_text_range',
    });
    expect(fetched.data).toMatchObject({
      author_id: world.brand.id,
      in_reply_to_user_id: cat.id,
      conversation_id: root.id,
      referenced_tweets: [{ type: 'replied_to', id: root.id }],
      display_text_range: [5, 42],
    });
  });

  it('refuses a reply to an author who did not mention the brand (403 with X\'s detail)', async () => {
    world.customer('cat');
    const root = world.sim.createTweet({ authorUsername: 'cat', text: 'my order is late, again' });
    const error = await refusal(world.brandClient.v2.reply('Can we help?', root.id));
    expect(error.code).toBe(403);
    expect(error.data).toMatchObject({ detail: REPLY_NOT_ALLOWED_DETAIL, title: 'Forbidden' });
    expect(error.headers['content-type']).toBe('application/problem+json');
  });

  it('refuses a reply to a deleted tweet', async () => {
    world.customer('cat');
    const root = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support hi' });
    await world.clientFor(world.sim.account('cat').token).v2.deleteTweet(root.id);
    expect((await refusal(world.brandClient.v2.reply('Hello!', root.id))).data).toMatchObject({ detail: REPLY_TO_MISSING_DETAIL });
  });

  it('refuses duplicate content and over-long text with X\'s 403 details', async () => {
    await world.brandClient.v2.tweet('Scheduled maintenance tonight.');
    const duplicate = await refusal(world.brandClient.v2.tweet('Scheduled maintenance tonight.'));
    expect(duplicate).toMatchObject({ code: 403, data: { detail: DUPLICATE_CONTENT_DETAIL } });
    const tooLong = await refusal(world.brandClient.v2.tweet('x'.repeat(281)));
    expect(tooLong).toMatchObject({ code: 403, data: { detail: TWEET_TOO_LONG_DETAIL } });
    // The library only appends title/detail to the message when the body has errors[].
    expect(tooLong.message).toBe('Request failed with code 403');
  });

  it('refuses empty text as an invalid request (400)', async () => {
    const error = await refusal(world.brandClient.v2.tweet(''));
    expect(error.code).toBe(400);
    expect(error.data).toMatchObject({ title: 'Invalid Request', type: expect.stringMatching(/invalid-request$/) });
    expect(error.message).toContain('One or more parameters to your request was invalid.');
  });

  it('refuses to post with the app-only bearer', async () => {
    const error = await refusal(world.clientFor(APP_TOKEN).v2.tweet('hello'));
    expect(error).toMatchObject({ code: 403, data: { title: 'Unsupported Authentication' } });
  });

  it('deletes a tweet; looking it up afterwards answers 200 with a not-found error', async () => {
    const posted = await world.brandClient.v2.tweet('Oops, wrong account.');
    expect(await world.brandClient.v2.deleteTweet(posted.data.id)).toEqual({ data: { deleted: true } });
    const lookup = await world.brandClient.v2.singleTweet(posted.data.id);
    expect(lookup.data).toBeUndefined();
    expect(lookup.errors).toEqual([expect.objectContaining({ title: 'Not Found Error', resource_type: 'tweet', value: posted.data.id })]);
  });

  it('looks up several tweets with includes and partial errors', async () => {
    world.customer('cat');
    const a = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support one' });
    const res = await world.app.v2.tweets([a.id, '1234'], { expansions: ['author_id'] });
    expect(res.data.map((t) => t.id)).toEqual([a.id]);
    expect(res.includes?.users?.[0]).toMatchObject({ username: 'cat' });
    expect(res.errors).toEqual([expect.objectContaining({ resource_id: '1234' })]);
  });

  describe('mentions timeline', () => {
    it('lists mentions newest first with meta and includes, and polls with since_id', async () => {
      world.customer('cat');
      const ids = Array.from({ length: 3 }, (_, i) => world.sim.createTweet({ authorUsername: 'cat', text: `@acme_support ${i}` }).id);
      const page = await world.brandClient.v2.userMentionTimeline(world.brand.id, { expansions: ['author_id'], 'tweet.fields': ['author_id', 'created_at'] });
      expect(page.tweets.map((t) => t.id)).toEqual([...ids].reverse());
      expect(page.meta).toMatchObject({ result_count: 3, newest_id: ids[2], oldest_id: ids[0] });
      expect(page.includes.users.map((u) => u.username)).toEqual(['cat']);

      const later = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support later' });
      const poll = await world.brandClient.v2.userMentionTimeline(world.brand.id, { since_id: page.meta.newest_id });
      expect(poll.tweets.map((t) => t.id)).toEqual([later.id]);
      const empty = await world.brandClient.v2.userMentionTimeline(world.brand.id, { since_id: later.id });
      expect(empty.meta).toEqual({ result_count: 0 });
      expect(empty.tweets).toEqual([]);
    });

    it('paginates with next_token until done', async () => {
      world.customer('cat');
      const ids = Array.from({ length: 12 }, (_, i) => world.sim.createTweet({ authorUsername: 'cat', text: `@acme_support n${i}` }).id);
      const paginator = await world.brandClient.v2.userMentionTimeline(world.brand.id, { max_results: 5 });
      expect(paginator.meta.next_token).toEqual(expect.any(String));
      await paginator.fetchLast(100);
      expect(paginator.tweets.map((t) => t.id)).toEqual([...ids].reverse());
      expect(paginator.done).toBe(true);
    });

    it('refuses max_results outside 5..100', async () => {
      const error = await refusal(world.brandClient.v2.userMentionTimeline(world.brand.id, { max_results: 3 }));
      expect(error.code).toBe(400);
      expect(error.data).toMatchObject({ errors: [{ parameters: { max_results: ['3'] }, message: expect.stringContaining('between 5 and 100') }] });
    });
  });
});
