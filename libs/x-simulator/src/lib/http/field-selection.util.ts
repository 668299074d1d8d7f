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

export const DM_EVENT_FIELDS: readonly string[] = [
  'attachments', 'created_at', 'dm_conversation_id', 'entities', 'event_type', 'id', 'participant_ids',
  'referenced_tweets', 'sender_id', 'text',
];

export const DM_EVENT_EXPANSIONS: readonly string[] = ['attachments.media_keys', 'participant_ids', 'referenced_tweets.id', 'sender_id'];

export const DM_EVENT_TYPES: readonly string[] = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'];

export const MEDIA_FIELDS: readonly string[] = [
  'alt_text', 'duration_ms', 'height', 'media_key', 'non_public_metrics', 'organic_metrics', 'preview_image_url',
  'promoted_metrics', 'public_metrics', 'type', 'url', 'variants', 'width',
];

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
  const tweetFields = readList(query, ['tweet.fields', 'post.fields'], TWEET_FIELDS, problems);
  const userFields = readList(query, ['user.fields'], USER_FIELDS, problems);
  const expansions = readList(query, ['expansions'], primary === 'tweet' ? TWEET_EXPANSIONS : USER_EXPANSIONS, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, selection: { tweetFields, userFields, expansions } };
}

export interface DmEventSelection {
  dmEventFields: ReadonlySet<string>;
  /** Undefined when the caller did not filter (all types). */
  eventTypes: ReadonlySet<string> | undefined;
  /** user.fields / tweet.fields for includes; `expansions` holds the DM expansions. */
  selection: FieldSelection;
}

export type DmEventSelectionResult = { ok: true; value: DmEventSelection } | { ok: false; problems: InvalidParameter[] };

/** The DM lookup endpoints' vocabulary: dm_event.fields, event_types, DM expansions, plus user/tweet/media fields. */
export function parseDmEventSelection(query: URLSearchParams): DmEventSelectionResult {
  const problems: InvalidParameter[] = [];
  const dmEventFields = readList(query, ['dm_event.fields'], DM_EVENT_FIELDS, problems);
  const types = readList(query, ['event_types'], DM_EVENT_TYPES, problems);
  const tweetFields = readList(query, ['tweet.fields', 'post.fields'], TWEET_FIELDS, problems);
  const userFields = readList(query, ['user.fields'], USER_FIELDS, problems);
  readList(query, ['media.fields'], MEDIA_FIELDS, problems);
  const expansions = readList(query, ['expansions'], DM_EVENT_EXPANSIONS, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      dmEventFields,
      eventTypes: query.has('event_types') ? types : undefined,
      selection: { tweetFields, userFields, expansions },
    },
  };
}

/** The comma-separated values of these query parameters, each checked against X's vocabulary. */
function readList(query: URLSearchParams, names: readonly string[], allowed: readonly string[], problems: InvalidParameter[]): Set<string> {
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
}
