import { SimulatorStore } from '../state/simulator-store.domain';
import type { SimTweet } from '../state/simulator-state.types';
import { directMessagePayload, followPayload, renderV1Tweet, tweetCreatePayload, v1Date, type V1Tweet } from './activity-render.util';

const APP = { id: '29418037', name: 'Perch', url: 'https://perch.example' };

function asV1(tweet: SimTweet, store: SimulatorStore, truncate = true): V1Tweet {
  const rendered = renderV1Tweet(tweet, store, { truncate });
  if (!rendered) throw new Error(`tweet ${tweet.id} has no author`);
  return rendered;
}

function world() {
  const store = new SimulatorStore({ maxStoredTweets: 100, autoPopulateReplyMentions: true, now: () => Date.UTC(2018, 9, 10, 20, 19, 24) });
  const brand = store.createUser({ username: 'acme_support', name: 'Acme Support', kind: 'brand', base: { followers: 1000, tweets: 50 } });
  const cat = store.createUser({ username: 'cat', name: 'Cat', kind: 'customer', location: 'Berlin', createdAt: '2015-01-29T18:14:29.340Z' });
  return { store, brand, cat };
}

describe('Account Activity v1.1 rendering', () => {
  it('formats timestamps the v1.1 way', () => {
    expect(v1Date(Date.UTC(2018, 9, 10, 20, 19, 24))).toBe('Wed Oct 10 20:19:24 +0000 2018');
    expect(v1Date(Date.UTC(2025, 4, 5, 3, 4, 5))).toBe('Mon May 05 03:04:05 +0000 2025');
  });

  it('renders a reply as a v1.1 tweet with string ids, reply fields, mentions with code-point indices and the author', () => {
    const { store, brand, cat } = world();
    const root = store.createTweet({ authorId: cat.id, text: '😡 @acme_support late again', origin: 'admin' });
    const reply = store.createTweet({ authorId: brand.id, text: 'Sorry!', inReplyToTweetId: root.id, origin: 'api' });
    const v1 = asV1(reply, store);
    expect(v1).toMatchObject({
      id_str: reply.id,
      text: '@cat Sorry!',
      created_at: 'Wed Oct 10 20:19:24 +0000 2018',
      timestamp_ms: String(Date.UTC(2018, 9, 10, 20, 19, 24)),
      truncated: false,
      display_text_range: [5, 11],
      in_reply_to_status_id_str: root.id,
      in_reply_to_user_id_str: cat.id,
      in_reply_to_screen_name: 'cat',
      is_quote_status: false,
      user: { id_str: brand.id, screen_name: 'acme_support', name: 'Acme Support', followers_count: 1000, statuses_count: 51, verified: false },
      entities: { user_mentions: [{ id_str: cat.id, screen_name: 'cat', name: 'Cat', indices: [0, 4] }], hashtags: [], urls: [], symbols: [] },
    });
    expect(v1.extended_tweet).toBeUndefined();
    // Emoji before the mention count as one code point, as X's indices do.
    expect(asV1(root, store).entities.user_mentions[0].indices).toEqual([2, 15]);
  });

  it('embeds the quoted tweet one level deep', () => {
    const { store, brand, cat } = world();
    const original = store.createTweet({ authorId: brand.id, text: 'We are back up.', origin: 'api' });
    const quote = store.createTweet({ authorId: cat.id, text: 'no you are not', quoteTweetId: original.id, origin: 'admin' });
    const v1 = asV1(quote, store);
    expect(v1).toMatchObject({ is_quote_status: true, quoted_status_id_str: original.id, quoted_status: { id_str: original.id, user: { id_str: brand.id } } });
  });

  it('cuts texts over 140 characters compat-style and carries the whole text in extended_tweet', () => {
    const { store, brand, cat } = world();
    const text = `${'x'.repeat(150)} @acme_support`;
    const tweet = store.createTweet({ authorId: cat.id, text, origin: 'admin' });
    const v1 = asV1(tweet, store);
    expect(v1.truncated).toBe(true);
    expect(Array.from(v1.text)).toHaveLength(140);
    expect(v1.text).toMatch(/^x{115}… https:\/\/t\.co\/[0-9a-z]{10}$/);
    expect(v1.entities.user_mentions).toEqual([]);
    expect(v1.entities.urls[0]).toMatchObject({ expanded_url: `https://twitter.com/i/web/status/${tweet.id}`, indices: [117, 140] });
    expect(v1.extended_tweet).toMatchObject({ full_text: text, entities: { user_mentions: [{ id_str: brand.id, indices: [151, 164] }] } });
    expect(asV1(tweet, store, false).text).toBe(text);
  });

  it('marks mentions of the subscribed user with user_has_blocked and leaves it off their own posts', () => {
    const { store, brand, cat } = world();
    const v1 = asV1(store.createTweet({ authorId: cat.id, text: '@acme_support hi', origin: 'admin' }), store);
    expect(tweetCreatePayload(brand.id, v1)).toEqual({ for_user_id: brand.id, user_has_blocked: 'false', tweet_create_events: [v1] });
    expect(tweetCreatePayload(cat.id, v1)).toEqual({ for_user_id: cat.id, tweet_create_events: [v1] });
  });

  it('renders a DM as message_create with the users map, naming the app only for API-sent messages', () => {
    const { store, brand, cat } = world();
    const dm = store.createDirectMessage({ senderId: brand.id, recipientId: cat.id, text: 'Hi @cat #help', origin: 'api' });
    const payload = directMessagePayload(brand.id, dm, store, APP);
    expect(payload).toEqual({
      for_user_id: brand.id,
      direct_message_events: [
        {
          type: 'message_create',
          id: dm.id,
          created_timestamp: String(dm.createdAtMs),
          message_create: {
            target: { recipient_id: cat.id },
            sender_id: brand.id,
            source_app_id: APP.id,
            message_data: {
              text: 'Hi @cat #help',
              entities: {
                hashtags: [{ text: 'help', indices: [8, 13] }],
                symbols: [],
                urls: [],
                user_mentions: [{ screen_name: 'cat', name: 'Cat', id: Number(cat.id), id_str: cat.id, indices: [3, 7] }],
              },
            },
          },
        },
      ],
      apps: { [APP.id]: APP },
      users: {
        [brand.id]: expect.objectContaining({ id: brand.id, screen_name: 'acme_support', followers_count: 1000, friends_count: 0, statuses_count: 50, protected: false, verified: false }),
        [cat.id]: {
          id: cat.id,
          created_timestamp: '1422555269340',
          name: 'Cat',
          screen_name: 'cat',
          location: 'Berlin',
          protected: false,
          verified: false,
          followers_count: 0,
          friends_count: 0,
          statuses_count: 0,
          profile_image_url_https: expect.stringMatching(/^https:\/\/pbs\.twimg\.com\/.+_normal\.jpg$/),
        },
      },
    });
    const typed = store.createDirectMessage({ senderId: cat.id, recipientId: brand.id, text: 'thanks', origin: 'admin' });
    const received = directMessagePayload(brand.id, typed, store, APP);
    expect(received.apps).toBeUndefined();
    expect(received.direct_message_events[0].message_create.source_app_id).toBeUndefined();
  });

  it('renders follow and unfollow events with v1.1 source and target users', () => {
    const { store, brand, cat } = world();
    store.follow(cat.id, brand.id);
    const payload = followPayload(brand.id, { type: 'follow', sourceId: cat.id, targetId: brand.id, atMs: 1517588749178 }, store);
    expect(payload).toMatchObject({
      for_user_id: brand.id,
      follow_events: [
        {
          type: 'follow',
          created_timestamp: '1517588749178',
          source: { id_str: cat.id, screen_name: 'cat', friends_count: 1, created_at: 'Thu Jan 29 18:14:29 +0000 2015' },
          target: { id_str: brand.id, screen_name: 'acme_support', followers_count: 1001 },
        },
      ],
    });
  });
});
