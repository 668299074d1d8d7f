// Wire contract of the simulator's filtered stream and rules, seen through the real twitter-api-v2
// client (createTwitterClient): what our ingestor will meet on X.
import { defined, waitFor } from '@perch/testing';
import { TOO_MANY_CONNECTIONS_DETAIL } from '@perch/x-simulator';
import {
  ApiResponseError,
  ETwitterStreamEvent,
  type TweetSearchV2StreamParams,
  type TweetStream,
  type TweetV2SingleStreamResult,
} from 'twitter-api-v2';

import { BRAND_TOKEN, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

const STREAM_PARAMS: Partial<TweetSearchV2StreamParams> = {
  'tweet.fields': ['created_at', 'author_id', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets', 'entities'],
  expansions: ['author_id', 'entities.mentions.username'],
  'user.fields': ['username', 'public_metrics'],
};

describe('filtered stream wire format (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;
  const open: TweetStream[] = [];

  beforeAll(async () => {
    world = await startSimulatorWorld({ keepAliveMs: 40 });
  });
  afterAll(() => world.stop());
  beforeEach(() => world.sim.reset());
  afterEach(() => {
    for (let stream = open.pop(); stream; stream = open.pop()) stream.destroy();
  });

  async function connect(params: Partial<TweetSearchV2StreamParams> = {}): Promise<{ stream: TweetStream; received: TweetV2SingleStreamResult[] }> {
    const stream = world.app.v2.searchStream({ ...STREAM_PARAMS, ...params, autoConnect: false });
    open.push(stream);
    const received: TweetV2SingleStreamResult[] = [];
    stream.on(ETwitterStreamEvent.Data, (d: TweetV2SingleStreamResult) => received.push(d));
    await stream.connect({ autoReconnect: false });
    return { stream, received };
  }

  async function addRule(value: string, tag?: string): Promise<string> {
    const res = await world.app.v2.updateStreamRules({ add: [tag ? { value, tag } : { value }] });
    return defined(res.data?.[0], `the added rule ${value}`).id;
  }

  it('delivers a customer tweet that matches a rule, with fields, includes.users and matching_rules', async () => {
    const ruleId = await addRule('@acme_support -is:retweet', 'support');
    const cat = world.customer('cat_person', { followersCount: 1234 });
    const { received } = await connect();
    const tweet = world.sim.createTweet({ authorUsername: 'cat_person', text: 'hey @acme_support my order is late' });

    const [first] = await waitFor('the tweet on the stream', () => received.length > 0 && received);
    const message = defined(first, 'the streamed tweet');
    expect(message.data).toEqual({
      id: tweet.id,
      text: 'hey @acme_support my order is late',
      edit_history_tweet_ids: [tweet.id],
      author_id: cat.id,
      created_at: tweet.createdAt,
      conversation_id: tweet.id,
      entities: { mentions: [{ start: 4, end: 17, username: 'acme_support', id: world.brand.id }] },
    });
    expect(message.includes?.users).toEqual([
      {
        id: cat.id,
        name: 'cat_person',
        username: 'cat_person',
        public_metrics: { followers_count: 1234, following_count: 0, tweet_count: 1, listed_count: 0, like_count: 0 },
      },
      expect.objectContaining({ id: world.brand.id, username: 'acme_support' }),
    ]);
    expect(message.matching_rules).toEqual([{ id: ruleId, tag: 'support' }]);
  });

  it('only delivers tweets that match a rule', async () => {
    await addRule('@acme_support');
    world.customer('cat');
    const { received } = await connect();
    world.sim.createTweet({ authorUsername: 'cat', text: 'talking about nothing' });
    const match = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support refund please' });
    await waitFor('a tweet', () => received.length > 0);
    await waitFor('delivery counted', () => world.sim.stats().streamDelivered >= 1);
    expect(received.map((m) => m.data.id)).toEqual([match.id]);
  });

  it('delivers a reply with in_reply_to_user_id and referenced_tweets, and the brand\'s own tweets when a rule matches', async () => {
    await addRule('@acme_support', 'mentions');
    await addRule('from:acme_support', 'ours');
    const cat = world.customer('cat');
    const { received } = await connect();
    const root = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support help' });
    const reply = await world.brandClient.v2.reply('On it!', root.id);
    const ours = await waitFor("the brand's reply", () => received.find((m) => m.data.id === reply.data.id));
    expect(ours.data).toMatchObject({
      text: '@cat On it!',
      in_reply_to_user_id: cat.id,
      conversation_id: root.id,
      referenced_tweets: [{ type: 'replied_to', id: root.id }],
    });
    expect(ours.matching_rules).toEqual([expect.objectContaining({ tag: 'ours' })]);
  });

  it('sends keep-alives as bare \\r\\n chunks that the client recognises', async () => {
    await addRule('@acme_support');
    const { stream } = await connect();
    let keepAlives = 0;
    stream.on(ETwitterStreamEvent.DataKeepAlive, () => keepAlives++);
    await waitFor('two keep-alives', () => keepAlives >= 2);
  });

  it('refuses a second connection for the app with TooManyConnections (429)', async () => {
    await addRule('@acme_support');
    await connect();
    const second = await connect().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ApiResponseError);
    expect(second).toMatchObject({
      code: 429,
      data: { title: 'ConnectionException', connection_issue: 'TooManyConnections', detail: TOO_MANY_CONNECTIONS_DETAIL },
    });
  });

  it('refuses to connect while there are no rules (409)', async () => {
    await expect(connect()).rejects.toMatchObject({ code: 409 });
  });

  it('refuses user-context tokens on the stream (app-only endpoint)', async () => {
    await addRule('@acme_support');
    const stream = world.clientFor(BRAND_TOKEN).v2.searchStream({ autoConnect: false });
    open.push(stream);
    await expect(stream.connect({ autoReconnect: false })).rejects.toMatchObject({
      code: 403,
      data: { type: expect.stringMatching(/unsupported-authentication$/) },
    });
  });

  it('does not replay tweets posted while disconnected, except through backfill_minutes', async () => {
    await addRule('@acme_support');
    world.customer('cat');
    const missed = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support while you were away' });
    const plain = await connect();
    const live = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support now' });
    await waitFor('the live tweet', () => plain.received.length > 0);
    expect(plain.received.map((m) => m.data.id)).toEqual([live.id]);
    plain.stream.destroy();
    await waitFor('the first stream to close', () => world.sim.stats().streamConnectionsOpen === 0);
    const backfilled = await connect({ backfill_minutes: 2 });
    await waitFor('backfilled tweets', () => backfilled.received.length >= 2);
    expect(backfilled.received.map((m) => m.data.id)).toEqual([missed.id, live.id]);
  });

  describe('rules', () => {
    it('adds rules and reports the summary', async () => {
      const res = await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support', tag: 'support' }, { value: 'acme outage' }] });
      expect(res.data).toEqual([
        { id: expect.stringMatching(/^\d+$/), value: '@acme_support', tag: 'support' },
        { id: expect.stringMatching(/^\d+$/), value: 'acme outage' },
      ]);
      expect(res.meta).toEqual({ sent: expect.any(String), summary: { created: 2, not_created: 0, valid: 2, invalid: 0 } });
    });

    it('lists rules, and returns only meta when there are none', async () => {
      expect(await world.app.v2.streamRules()).toEqual({ meta: { sent: expect.any(String), result_count: 0 } });
      const id = await addRule('@acme_support', 'support');
      expect(await world.app.v2.streamRules()).toEqual({
        data: [{ id, value: '@acme_support', tag: 'support' }],
        meta: { sent: expect.any(String), result_count: 1 },
      });
    });

    it('validates without storing on dry_run', async () => {
      const res = await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] }, { dry_run: true });
      expect(res.meta.summary).toMatchObject({ created: 1, valid: 1 });
      expect((await world.app.v2.streamRules()).meta.result_count).toBe(0);
    });

    it('refuses a duplicate rule with DuplicateRule and the existing id', async () => {
      const id = await addRule('@acme_support');
      const failure = await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApiResponseError);
      expect((failure as ApiResponseError).data).toMatchObject({
        meta: { summary: { created: 0, not_created: 1, valid: 0, invalid: 1 } },
        errors: [{ value: '@acme_support', id, title: 'DuplicateRule', type: expect.stringMatching(/duplicate-rules$/) }],
      });
    });

    it('refuses an invalid rule with details', async () => {
      const failure = await world.app.v2.updateStreamRules({ add: [{ value: '-is:retweet' }] }).catch((e: unknown) => e);
      expect((failure as ApiResponseError).data).toMatchObject({
        errors: [{ value: '-is:retweet', title: 'UnprocessableEntity', details: [expect.stringMatching(/non-negation/)] }],
      });
    });

    it('deletes rules by id', async () => {
      const id = await addRule('@acme_support');
      const res = await world.app.v2.updateStreamRules({ delete: { ids: [id, '999'] } });
      expect(res.meta.summary).toEqual({ deleted: 1, not_deleted: 1 });
      expect((await world.app.v2.streamRules()).meta.result_count).toBe(0);
    });
  });
});
