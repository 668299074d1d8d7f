import type { RuleNode } from '../stream/rule-query.util';

export type AccountKind = 'brand' | 'customer';

/** Counts that exist outside the simulator (followers we don't model one by one); edges add to them. */
export interface BaseMetrics {
  followers: number;
  following: number;
  tweets: number;
  listed: number;
  likes: number;
}

export interface SimUser {
  id: string;
  username: string;
  usernameLower: string;
  name: string;
  kind: AccountKind;
  createdAt: string;
  description: string;
  location?: string;
  verified: boolean;
  protected: boolean;
  receivesYourDm: boolean;
  base: BaseMetrics;
  /** OAuth 2.0 user-context bearer token of this account (opaque). */
  token: string;
}

export interface SimMention {
  /** Code-point offsets, as X sends them. */
  start: number;
  end: number;
  username: string;
  id?: string;
}

export interface SimHashtag {
  start: number;
  end: number;
  tag: string;
}

export type TweetOrigin = 'api' | 'admin' | 'generator';

export interface SimTweet {
  id: string;
  idValue: bigint;
  text: string;
  authorId: string;
  createdAtMs: number;
  createdAt: string;
  conversationId: string;
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  quotedTweetId?: string;
  mentions: SimMention[];
  hashtags: SimHashtag[];
  /** Code-point range of the text without auto-populated leading reply mentions. */
  displayTextRange: [number, number];
  origin: TweetOrigin;
  deleted: boolean;
  /** Dropped from memory by the retention cap; kept only while something still references it. */
  evicted: boolean;
  replyCount: number;
  quoteCount: number;
  /** The language X detected (`lang`); 'en' when absent. */
  lang?: string;
}

export interface SimRule {
  id: string;
  value: string;
  tag?: string;
  node: RuleNode;
  createdAt: string;
}

export type DmOrigin = 'api' | 'admin' | 'generator';

/** A one-to-one direct message (X's MessageCreate event). */
export interface SimDmEvent {
  id: string;
  idValue: bigint;
  eventType: 'MessageCreate';
  text: string;
  senderId: string;
  recipientId: string;
  /** "{smaller_user_id}-{larger_user_id}", X's id for one-to-one conversations. */
  conversationId: string;
  /** Both participants, smaller id first. */
  participantIds: [string, string];
  createdAtMs: number;
  createdAt: string;
  mentions: SimMention[];
  hashtags: SimHashtag[];
  origin: DmOrigin;
}

/** A follow edge appearing or disappearing (source follows/unfollows target). */
export interface FollowChange {
  type: 'follow' | 'unfollow';
  sourceId: string;
  targetId: string;
  atMs: number;
}
