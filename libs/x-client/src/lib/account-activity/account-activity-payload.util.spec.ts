import { parseAccountActivityPayload } from './account-activity-payload.util';

// The documented delivery (reference §4), byte for byte apart from line breaks.
const DM_DELIVERY = {
  for_user_id: '4337869213',
  direct_message_events: [
    {
      type: 'message_create',
      id: '954491830116155396',
      created_timestamp: '1516403560557',
      message_create: {
        target: { recipient_id: '4337869213' },
        sender_id: '3001969357',
        source_app_id: '13090192',
        message_data: { text: 'Hello World!', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
      },
    },
  ],
  apps: { '13090192': { id: '13090192', name: 'FuriousCamperTestApp1', url: 'https://x.com/furiouscamper' } },
  users: {
    '3001969357': {
      id: '3001969357',
      created_timestamp: '1422556069340',
      name: 'Jordan Brinks',
      screen_name: 'furiouscamper',
      protected: false,
      verified: false,
      followers_count: 22,
      friends_count: 45,
      statuses_count: 494,
      profile_image_url_https: 'https://pbs.twimg.com/profile_images/851526626785480705/cW4WTi7C_normal.jpg',
    },
  },
};

function v1Tweet(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    id: 1050118621198921728,
    id_str: '1050118621198921728',
    text: '@acme_support my order never arrived',
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id: null,
    in_reply_to_user_id_str: null,
    user: { id: 6253282, id_str: '6253282', name: 'Cat', screen_name: 'catperson', followers_count: 120, friends_count: 80, statuses_count: 3400, listed_count: 2 },
    is_quote_status: false,
    entities: { hashtags: [], urls: [], user_mentions: [{ screen_name: 'acme_support', name: 'Acme', id: 2244994945, id_str: '2244994945', indices: [0, 13] }], symbols: [] },
    ...overrides,
  };
}

function parse(body: unknown) {
  const result = parseAccountActivityPayload(JSON.stringify(body));
  if (!result.ok) throw new Error(result.reason);
  return result.delivery;
}

describe('parseAccountActivityPayload', () => {
  it('reads a direct message with its sender from the users map and the one-to-one conversation id', () => {
    const delivery = parse(DM_DELIVERY);
    expect(delivery.forUserId).toBe('4337869213');
    expect(delivery.directMessages).toEqual([
      {
        id: '954491830116155396',
        forUserId: '4337869213',
        senderId: '3001969357',
        recipientId: '4337869213',
        conversationId: '3001969357-4337869213',
        text: 'Hello World!',
        createdAt: '2018-01-19T23:12:40.557Z',
        sender: { id: '3001969357', username: 'furiouscamper', name: 'Jordan Brinks', followersCount: 22, followingCount: 45, tweetCount: 494 },
      },
    ]);
    expect(delivery.problems).toEqual([]);
    expect(delivery.ignoredKinds).toEqual([]);
  });

  it('keeps the brand’s own outgoing direct message for the caller to recognise (sender is for_user_id)', () => {
    const own = structuredClone(DM_DELIVERY);
    const event = own.direct_message_events[0];
    if (!event) throw new Error('fixture');
    event.message_create.sender_id = '4337869213';
    event.message_create.target.recipient_id = '3001969357';
    expect(parse(own).directMessages[0]).toMatchObject({ senderId: '4337869213', forUserId: '4337869213', recipientId: '3001969357' });
  });

  it('turns a v1.1 mention into the filtered stream’s shape, tagged with the brand it reached', () => {
    const delivery = parse({ for_user_id: '2244994945', user_has_blocked: 'false', tweet_create_events: [v1Tweet()] });
    expect(delivery.tweets).toHaveLength(1);
    const tweet = delivery.tweets[0];
    expect(tweet?.isRetweet).toBe(false);
    expect(tweet?.conversationKnown).toBe(true);
    expect(tweet?.result).toEqual({
      data: {
        id: '1050118621198921728',
        text: '@acme_support my order never arrived',
        edit_history_tweet_ids: ['1050118621198921728'],
        author_id: '6253282',
        created_at: '2018-10-10T20:19:24.000Z',
        conversation_id: '1050118621198921728',
        entities: { annotations: [], urls: [], hashtags: [], cashtags: [], mentions: [{ start: 0, end: 13, username: 'acme_support', id: '2244994945' }] },
      },
      includes: {
        users: [{ id: '6253282', username: 'catperson', name: 'Cat', public_metrics: { followers_count: 120, following_count: 80, tweet_count: 3400, listed_count: 2 } }],
      },
      matching_rules: [{ id: 'account-activity', tag: 'brand:2244994945' }],
    });
  });

  it('marks a reply’s thread root as unknown, since v1.1 tweets carry no conversation_id', () => {
    const reply = v1Tweet({ in_reply_to_status_id_str: '1050000000000000000', in_reply_to_user_id_str: '2244994945' });
    const tweet = parse({ for_user_id: '2244994945', tweet_create_events: [reply] }).tweets[0];
    expect(tweet?.conversationKnown).toBe(false);
    expect(tweet?.result.data.conversation_id).toBeUndefined();
    expect(tweet?.result.data.referenced_tweets).toEqual([{ type: 'replied_to', id: '1050000000000000000' }]);
    expect(tweet?.result.data.in_reply_to_user_id).toBe('2244994945');
  });

  it('reads the full text of an extended tweet and flags quotes and retweets', () => {
    const quote = v1Tweet({
      text: '@acme_support this is trunc…',
      is_quote_status: true,
      quoted_status_id_str: '1040000000000000000',
      extended_tweet: { full_text: '@acme_support this is the whole complaint', entities: { user_mentions: [] } },
    });
    const retweet = v1Tweet({ id_str: '1050118621198921729', retweeted_status: v1Tweet() });
    const [q, rt] = parse({ for_user_id: '2244994945', tweet_create_events: [quote, retweet] }).tweets;
    expect(q?.result.data.text).toBe('@acme_support this is the whole complaint');
    expect(q?.result.data.referenced_tweets).toEqual([{ type: 'quoted', id: '1040000000000000000' }]);
    expect(rt?.isRetweet).toBe(true);
  });

  it('reads follow and unfollow events', () => {
    const delivery = parse({
      for_user_id: '2244994945',
      follow_events: [
        { type: 'follow', created_timestamp: '1517588749178', target: { id: '2244994945', screen_name: 'acme_support' }, source: { id: '3001969357', screen_name: 'furiouscamper' } },
        { type: 'unfollow', created_timestamp: '1517588749179', target: { id: '2244994945' }, source: { id: '3001969357' } },
      ],
    });
    expect(delivery.follows).toEqual([
      { type: 'follow', sourceId: '3001969357', targetId: '2244994945', createdAt: '2018-02-02T16:25:49.178Z' },
      { type: 'unfollow', sourceId: '3001969357', targetId: '2244994945', createdAt: '2018-02-02T16:25:49.179Z' },
    ]);
  });

  it('reports an unreadable event on its own and keeps the rest of the delivery', () => {
    const broken = { type: 'message_create', id: '954491830116155397', message_create: { message_data: { text: 'no sender' } } };
    const delivery = parse({ ...DM_DELIVERY, direct_message_events: [broken, ...DM_DELIVERY.direct_message_events] });
    expect(delivery.directMessages.map((d) => d.id)).toEqual(['954491830116155396']);
    expect(delivery.problems).toEqual([{ reason: 'direct message 954491830116155397 has no message_create.sender_id', raw: JSON.stringify(broken) }]);
  });

  it('lists the event kinds it does not act on', () => {
    const delivery = parse({ for_user_id: '2244994945', favorite_events: [{}], direct_message_indicate_typing_events: [{}] });
    expect(delivery.ignoredKinds).toEqual(['favorite_events', 'direct_message_indicate_typing_events']);
  });

  it('refuses a body that is not JSON, not an object, or names no account', () => {
    expect(parseAccountActivityPayload('{"for_user_id":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^unparsable webhook body/) });
    expect(parseAccountActivityPayload('[1,2]')).toEqual({ ok: false, reason: 'webhook body is not a JSON object' });
    expect(parseAccountActivityPayload('{"direct_message_events":[]}')).toEqual({ ok: false, reason: 'webhook body has no valid for_user_id' });
  });
});
