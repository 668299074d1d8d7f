import { compareIds } from './mentions-timeline-reader.adapter';

// A customer's direct message as Perch reads it from X, whichever way it came: the Account Activity webhook
// (v1.1 shapes) or GET /2/dm_events (v2 shapes). One shape, so one normalizer serves both.

/** The sender as X described them; counts are absent when X did not send them. */
export interface DirectMessageAuthor {
  id: string;
  username: string;
  name: string;
  followersCount?: number;
  followingCount?: number;
  tweetCount?: number;
  /** Whether the sender follows the inbox owner (connection_status `followed_by`); undefined when X did not say. */
  followsYou?: boolean;
}

export interface ReceivedDirectMessage {
  /** The DM event id: the same id on the webhook and on /2/dm_events. */
  id: string;
  /** The account whose inbox it was read from (the webhook's for_user_id, or the polled brand). */
  forUserId: string;
  senderId: string;
  /** The other side of a one-to-one conversation, when known. */
  recipientId?: string;
  /** X's dm_conversation_id: `{smaller id}-{larger id}` for one-to-one conversations. */
  conversationId?: string;
  text: string;
  /** ISO 8601. */
  createdAt?: string;
  /** Usernames mentioned in the text, without '@', when X listed them. */
  mentions?: string[];
  sender?: DirectMessageAuthor;
}

/** X's id for a one-to-one conversation (reference §2.6): the two user ids, smaller first, joined by '-'. */
export function oneToOneConversationId(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? `${a}-${b}` : `${b}-${a}`;
}
