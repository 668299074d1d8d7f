import type { InvalidParameter } from './problems.util';

// X rejects unknown field and expansion names with 400 invalid-request, so the simulator does too;
// the lists are X's full vocabularies even though only some fields are rendered (see README).

export const TWEET_FIELDS: readonly string[] = [
  'article', 'attachments', 'author_id', 'card_uri', 'community_id', 'context_annotations', 'conversation_id',
  'created_at', 'display_text_range', 'edit_controls', 'edit_history_tweet_ids', 'entities', 'geo', 'id',
  'in_reply_to_user_id', 'lang', 'media_metadata', 'non_public_metrics', 'note_tweet', 'organic_metrics',
  'possibly_sensitive', 'promoted_metrics', 'public_metrics', 'referenced_tweets', 'reply_settings', 'scopes',
  'source', 'text', 'withheld',
];

export const USER_FIELDS: readonly string[] = [
  'affiliation', 'connection_status', 'created_at', 'description', 'entities', 'id', 'is_identity_verified',
  'location', 'most_recent_tweet_id', 'name', 'parody', 'pinned_tweet_id', 'profile_banner_url',
  'profile_image_url', 'protected', 'public_metrics', 'receives_your_dm', 'subscription', 'subscription_type',
  'url', 'username', 'verified', 'verified_followers_count', 'verified_type', 'withheld',
];

export const TWEET_EXPANSIONS: readonly string[] = [
  'article.cover_media', 'article.media_entities', 'attachments.media_keys', 'attachments.media_source_tweet',
  'attachments.poll_ids', 'author_id', 'edit_history_tweet_ids', 'entities.mentions.username',
  'entities.note.mentions.username', 'geo.place_id', 'in_reply_to_user_id', 'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys', 'referenced_tweets.id.author_id',
];

export const USER_EXPANSIONS: readonly string[] = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'];

export interface FieldSelection {
  tweetFields: ReadonlySet<string>;
  userFields: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

export type SelectionResult = { ok: true; selection: FieldSelection } | { ok: false; problems: InvalidParameter[] };

export const EMPTY_SELECTION: FieldSelection = {
  tweetFields: new Set(),
  userFields: new Set(),
  expansions: new Set(),
};

/**
 * Reads tweet.fields (or its newer alias post.fields), user.fields and expansions. `primary` says which
 * expansion vocabulary applies: tweet endpoints and user endpoints expand different things.
 */
export function parseFieldSelection(query: URLSearchParams, primary: 'tweet' | 'user'): SelectionResult {
  const problems: InvalidParameter[] = [];
  const read = (names: readonly string[], allowed: readonly string[]): Set<string> => {
    const out = new Set<string>();
    for (const name of names) {
      const raw = query.get(name);
      if (raw === null) continue;
      for (const value of raw.split(',').map((v) => v.trim()).filter(Boolean)) {
        if (allowed.includes(value)) out.add(value);
        else
          problems.push({
            parameter: name,
            value,
            message: `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
          });
      }
    }
    return out;
  };
  const tweetFields = read(['tweet.fields', 'post.fields'], TWEET_FIELDS);
  const userFields = read(['user.fields'], USER_FIELDS);
  const expansions = read(['expansions'], primary === 'tweet' ? TWEET_EXPANSIONS : USER_EXPANSIONS);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, selection: { tweetFields, userFields, expansions } };
}
