import type { FollowChange, SimDmEvent, SimHashtag, SimMention, SimTweet, SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';

// Account Activity payloads carry v1.1-style objects (reference §4, TweetV1/UserV1 in twitter-api-v2),
// not the v2 shapes of the REST API. Numeric `id`s are sent as JSON numbers like X does, so a
// receiver that reads them instead of `id_str` loses precision here too.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** v1.1 timestamp, e.g. "Wed Oct 10 20:19:24 +0000 2018". */
export function v1Date(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export interface V1User {
  id: number;
  id_str: string;
  name: string;
  screen_name: string;
  location: string | null;
  url: null;
  description: string;
  protected: boolean;
  verified: boolean;
  followers_count: number;
  friends_count: number;
  listed_count: number;
  favourites_count: number;
  statuses_count: number;
  created_at: string;
  profile_image_url: string;
  profile_image_url_https: string;
  default_profile: boolean;
  default_profile_image: boolean;
}

export function renderV1User(user: SimUser, store: SimulatorStore): V1User {
  const metrics = store.publicMetrics(user);
  return {
    id: Number(user.id),
    id_str: user.id,
    name: user.name,
    screen_name: user.username,
    location: user.location || null,
    url: null,
    description: user.description,
    protected: user.protected,
    verified: user.verified,
    followers_count: metrics.followers_count,
    friends_count: metrics.following_count,
    listed_count: metrics.listed_count,
    favourites_count: metrics.like_count,
    statuses_count: metrics.tweet_count,
    created_at: v1Date(Date.parse(user.createdAt)),
    profile_image_url: `http://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`,
    profile_image_url_https: avatarUrl(user),
    default_profile: false,
    default_profile_image: false,
  };
}

export interface V1Entities {
  hashtags: { text: string; indices: [number, number] }[];
  urls: { url: string; expanded_url: string; display_url: string; indices: [number, number] }[];
  user_mentions: { screen_name: string; name: string; id: number; id_str: string; indices: [number, number] }[];
  symbols: never[];
}

export interface V1Tweet {
  created_at: string;
  id: number;
  id_str: string;
  text: string;
  display_text_range: [number, number];
  source: string;
  truncated: boolean;
  in_reply_to_status_id: number | null;
  in_reply_to_status_id_str: string | null;
  in_reply_to_user_id: number | null;
  in_reply_to_user_id_str: string | null;
  in_reply_to_screen_name: string | null;
  user: V1User;
  geo: null;
  coordinates: null;
  place: null;
  contributors: null;
  is_quote_status: boolean;
  quoted_status_id?: number;
  quoted_status_id_str?: string;
  quoted_status?: V1Tweet;
  quote_count: number;
  reply_count: number;
  retweet_count: number;
  favorite_count: number;
  entities: V1Entities;
  extended_tweet?: { full_text: string; display_text_range: [number, number]; entities: V1Entities };
  favorited: boolean;
  retweeted: boolean;
  filter_level: string;
  lang: string;
  timestamp_ms: string;
}

/** Classic (compat) payloads cut text longer than this and carry the whole of it in extended_tweet. */
export const COMPAT_TEXT_LIMIT = 140;
const TCO_LENGTH = 23;

export interface V1TweetOptions {
  /** Compat-mode truncation of long texts (see the truncateWebhookTweets quirk). */
  truncate: boolean;
}

export function renderV1Tweet(tweet: SimTweet, store: SimulatorStore, options: V1TweetOptions, depth = 0): V1Tweet | undefined {
  const author = store.userById(tweet.authorId);
  if (!author) return undefined;
  const replyTo = tweet.inReplyToUserId ? store.userById(tweet.inReplyToUserId) : undefined;
  const chars = Array.from(tweet.text);
  const fullEntities = v1Entities(tweet.mentions, tweet.hashtags, store, Infinity);
  const out: V1Tweet = {
    created_at: v1Date(tweet.createdAtMs),
    id: Number(tweet.id),
    id_str: tweet.id,
    text: tweet.text,
    display_text_range: tweet.displayTextRange,
    source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    truncated: false,
    in_reply_to_status_id: tweet.inReplyToTweetId ? Number(tweet.inReplyToTweetId) : null,
    in_reply_to_status_id_str: tweet.inReplyToTweetId ?? null,
    in_reply_to_user_id: tweet.inReplyToUserId ? Number(tweet.inReplyToUserId) : null,
    in_reply_to_user_id_str: tweet.inReplyToUserId ?? null,
    in_reply_to_screen_name: replyTo?.username ?? null,
    user: renderV1User(author, store),
    geo: null,
    coordinates: null,
    place: null,
    contributors: null,
    is_quote_status: tweet.quotedTweetId !== undefined,
    quote_count: tweet.quoteCount,
    reply_count: tweet.replyCount,
    retweet_count: 0,
    favorite_count: 0,
    entities: fullEntities,
    favorited: false,
    retweeted: false,
    filter_level: 'low',
    lang: 'en',
    timestamp_ms: String(tweet.createdAtMs),
  };
  if (tweet.quotedTweetId) {
    out.quoted_status_id = Number(tweet.quotedTweetId);
    out.quoted_status_id_str = tweet.quotedTweetId;
    // One level only, as on X: a quoted tweet's own quote is referenced by id.
    const quoted = depth === 0 ? store.tweetById(tweet.quotedTweetId) : undefined;
    const rendered = quoted ? renderV1Tweet(quoted, store, options, depth + 1) : undefined;
    if (rendered) out.quoted_status = rendered;
  }
  if (options.truncate && chars.length > COMPAT_TEXT_LIMIT) {
    const keep = COMPAT_TEXT_LIMIT - TCO_LENGTH - 2;
    const link = `https://t.co/${shortCode(tweet.id)}`;
    const start = keep + 2;
    out.text = `${chars.slice(0, keep).join('')}… ${link}`;
    out.truncated = true;
    out.display_text_range = [0, COMPAT_TEXT_LIMIT];
    out.entities = v1Entities(tweet.mentions, tweet.hashtags, store, keep);
    out.entities.urls.push({
      url: link,
      expanded_url: `https://twitter.com/i/web/status/${tweet.id}`,
      display_url: `twitter.com/i/web/status/${tweet.id.slice(0, 1)}…`,
      indices: [start, start + TCO_LENGTH],
    });
    out.extended_tweet = { full_text: tweet.text, display_text_range: tweet.displayTextRange, entities: fullEntities };
  }
  return out;
}

/** Entities ending at or before `limit` (code points); mentions of unknown accounts are not entities on X. */
function v1Entities(mentions: readonly SimMention[], hashtags: readonly SimHashtag[], store: SimulatorStore, limit: number): V1Entities {
  return {
    hashtags: hashtags.filter((h) => h.end <= limit).map((h) => ({ text: h.tag, indices: [h.start, h.end] })),
    urls: [],
    user_mentions: mentions
      .filter((m): m is SimMention & { id: string } => m.id !== undefined && m.end <= limit)
      .map((m) => {
        const user = store.userById(m.id);
        return {
          screen_name: user?.username ?? m.username,
          name: user?.name ?? m.username,
          id: Number(m.id),
          id_str: m.id,
          indices: [m.start, m.end] as [number, number],
        };
      }),
    symbols: [],
  };
}

/** A deterministic t.co-looking code (10 characters). */
function shortCode(id: string): string {
  return BigInt(id).toString(36).padStart(10, '0').slice(-10);
}

function avatarUrl(user: SimUser): string {
  return `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`;
}

/** The app that sent API messages (direct_message_events carry source_app_id and an `apps` map). */
export interface SimApp {
  id: string;
  name: string;
  url: string;
}

export interface V1DirectMessageEvent {
  type: 'message_create';
  id: string;
  created_timestamp: string;
  message_create: {
    target: { recipient_id: string };
    sender_id: string;
    source_app_id?: string;
    message_data: { text: string; entities: V1Entities };
  };
}

/** The compact user objects of the `users` map in direct_message_events payloads. */
export interface V1DmUser {
  id: string;
  created_timestamp: string;
  name: string;
  screen_name: string;
  location?: string;
  description?: string;
  protected: boolean;
  verified: boolean;
  followers_count: number;
  friends_count: number;
  statuses_count: number;
  profile_image_url_https: string;
}

export function renderV1DmUser(user: SimUser, store: SimulatorStore): V1DmUser {
  const metrics = store.publicMetrics(user);
  const out: V1DmUser = {
    id: user.id,
    created_timestamp: String(Date.parse(user.createdAt)),
    name: user.name,
    screen_name: user.username,
    protected: user.protected,
    verified: user.verified,
    followers_count: metrics.followers_count,
    friends_count: metrics.following_count,
    statuses_count: metrics.tweet_count,
    profile_image_url_https: avatarUrl(user),
  };
  // X leaves empty profile fields out of this map.
  if (user.location) out.location = user.location;
  if (user.description) out.description = user.description;
  return out;
}

export interface DirectMessagePayload {
  for_user_id: string;
  direct_message_events: V1DirectMessageEvent[];
  apps?: Record<string, SimApp>;
  users: Record<string, V1DmUser>;
}

/** The direct_message_events payload for one subscribed user; API-sent messages name the app. */
export function directMessagePayload(forUserId: string, event: SimDmEvent, store: SimulatorStore, app: SimApp): DirectMessagePayload {
  const viaApi = event.origin === 'api';
  const message: V1DirectMessageEvent = {
    type: 'message_create',
    id: event.id,
    created_timestamp: String(event.createdAtMs),
    message_create: {
      target: { recipient_id: event.recipientId },
      sender_id: event.senderId,
      ...(viaApi ? { source_app_id: app.id } : {}),
      message_data: { text: event.text, entities: v1Entities(event.mentions, event.hashtags, store, Infinity) },
    },
  };
  const users: Record<string, V1DmUser> = {};
  for (const id of [event.senderId, event.recipientId]) {
    const user = store.userById(id);
    if (user) users[id] = renderV1DmUser(user, store);
  }
  const payload: DirectMessagePayload = { for_user_id: forUserId, direct_message_events: [message], users };
  if (viaApi) payload.apps = { [app.id]: app };
  return payload;
}

export interface TweetCreatePayload {
  for_user_id: string;
  user_has_blocked?: string;
  tweet_create_events: V1Tweet[];
}

/** Mentions of (not posts by) the subscribed user carry user_has_blocked, a string as in X's samples. */
export function tweetCreatePayload(forUserId: string, tweet: V1Tweet): TweetCreatePayload {
  return tweet.user.id_str === forUserId
    ? { for_user_id: forUserId, tweet_create_events: [tweet] }
    : { for_user_id: forUserId, user_has_blocked: 'false', tweet_create_events: [tweet] };
}

export interface FollowPayload {
  for_user_id: string;
  follow_events: { type: 'follow' | 'unfollow'; created_timestamp: string; target: V1User; source: V1User }[];
}

export function followPayload(forUserId: string, change: FollowChange, store: SimulatorStore): FollowPayload | undefined {
  const source = store.userById(change.sourceId);
  const target = store.userById(change.targetId);
  if (!source || !target) return undefined;
  return {
    for_user_id: forUserId,
    follow_events: [
      { type: change.type, created_timestamp: String(change.atMs), target: renderV1User(target, store), source: renderV1User(source, store) },
    ],
  };
}

export interface TweetDeletePayload {
  for_user_id: string;
  tweet_delete_events: { status: { id: string; user_id: string }; timestamp_ms: string }[];
}

export function tweetDeletePayload(forUserId: string, tweet: SimTweet, atMs: number): TweetDeletePayload {
  return {
    for_user_id: forUserId,
    tweet_delete_events: [{ status: { id: tweet.id, user_id: tweet.authorId }, timestamp_ms: String(atMs) }],
  };
}
