import type { FieldSelection } from '../http/field-selection.util';
import type { SimTweet, SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';
import { renderUser, type UserWire } from '../users/user-render.util';

/** X's v2 Tweet object with the fields the simulator renders. */
export interface TweetWire {
  id: string;
  text: string;
  edit_history_tweet_ids: string[];
  author_id?: string;
  created_at?: string;
  conversation_id?: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted'; id: string }[];
  entities?: {
    mentions?: { start: number; end: number; username: string; id?: string }[];
    hashtags?: { start: number; end: number; tag: string }[];
  };
  public_metrics?: {
    retweet_count: number;
    reply_count: number;
    like_count: number;
    quote_count: number;
    bookmark_count: number;
    impression_count: number;
  };
  display_text_range?: [number, number];
  lang?: string;
  possibly_sensitive?: boolean;
  reply_settings?: string;
  edit_controls?: { edits_remaining: number; is_edit_eligible: boolean; editable_until: string };
}

export interface Includes {
  users?: UserWire[];
  tweets?: TweetWire[];
}

export function renderTweet(tweet: SimTweet, selection: FieldSelection): TweetWire {
  const out: TweetWire = { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] };
  const f = selection.tweetFields;
  if (f.size === 0) return out;
  if (f.has('author_id')) out.author_id = tweet.authorId;
  if (f.has('created_at')) out.created_at = tweet.createdAt;
  if (f.has('conversation_id')) out.conversation_id = tweet.conversationId;
  if (f.has('in_reply_to_user_id') && tweet.inReplyToUserId) out.in_reply_to_user_id = tweet.inReplyToUserId;
  if (f.has('referenced_tweets')) {
    const refs = referencedTweets(tweet);
    if (refs.length > 0) out.referenced_tweets = refs;
  }
  if (f.has('entities') && (tweet.mentions.length > 0 || tweet.hashtags.length > 0)) {
    out.entities = {};
    // Shared, never mutated: serialised straight away.
    if (tweet.mentions.length > 0) out.entities.mentions = tweet.mentions;
    if (tweet.hashtags.length > 0) out.entities.hashtags = tweet.hashtags;
  }
  if (f.has('public_metrics')) {
    out.public_metrics = {
      retweet_count: 0,
      reply_count: tweet.replyCount,
      like_count: 0,
      quote_count: tweet.quoteCount,
      bookmark_count: 0,
      impression_count: 0,
    };
  }
  if (f.has('display_text_range')) out.display_text_range = tweet.displayTextRange;
  if (f.has('lang')) out.lang = tweet.lang ?? 'en';
  if (f.has('possibly_sensitive')) out.possibly_sensitive = false;
  if (f.has('reply_settings')) out.reply_settings = 'everyone';
  if (f.has('edit_controls')) {
    out.edit_controls = {
      edits_remaining: 5,
      is_edit_eligible: tweet.inReplyToTweetId === undefined,
      editable_until: new Date(tweet.createdAtMs + 60 * 60 * 1000).toISOString(),
    };
  }
  return out;
}

function referencedTweets(tweet: SimTweet): { type: 'replied_to' | 'quoted'; id: string }[] {
  const refs: { type: 'replied_to' | 'quoted'; id: string }[] = [];
  if (tweet.inReplyToTweetId) refs.push({ type: 'replied_to', id: tweet.inReplyToTweetId });
  if (tweet.quotedTweetId) refs.push({ type: 'quoted', id: tweet.quotedTweetId });
  return refs;
}

/** Builds includes.users / includes.tweets for the requested expansions, de-duplicated in order. */
export function buildIncludes(
  tweets: readonly SimTweet[],
  selection: FieldSelection,
  store: SimulatorStore,
  viewer: SimUser | undefined,
): Includes | undefined {
  const e = selection.expansions;
  if (e.size === 0) return undefined;
  const userIds: string[] = [];
  const seenUsers = new Set<string>();
  const addUser = (id: string | undefined) => {
    if (id && !seenUsers.has(id)) {
      seenUsers.add(id);
      userIds.push(id);
    }
  };
  const referenced: SimTweet[] = [];
  for (const tweet of tweets) {
    if (e.has('author_id')) addUser(tweet.authorId);
    if (e.has('entities.mentions.username')) for (const m of tweet.mentions) addUser(m.id);
    if (e.has('in_reply_to_user_id')) addUser(tweet.inReplyToUserId);
    if (e.has('referenced_tweets.id') || e.has('referenced_tweets.id.author_id')) {
      for (const ref of referencedTweets(tweet)) {
        const target = store.tweetById(ref.id);
        if (!target) continue;
        if (e.has('referenced_tweets.id')) referenced.push(target);
        if (e.has('referenced_tweets.id.author_id')) addUser(target.authorId);
      }
    }
  }
  const includes: Includes = {};
  const users = userIds.map((id) => store.userById(id)).filter((u): u is SimUser => u !== undefined);
  if (users.length > 0) includes.users = users.map((u) => renderUser(u, selection, store, viewer));
  if (referenced.length > 0) {
    const seen = new Set<string>();
    includes.tweets = referenced.filter((t) => !seen.has(t.id) && seen.add(t.id)).map((t) => renderTweet(t, selection));
  }
  return includes.users || includes.tweets ? includes : undefined;
}
