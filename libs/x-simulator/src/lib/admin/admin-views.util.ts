import type { SimDmEvent, SimTweet, SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';

export interface AdminAccountView {
  id: string;
  username: string;
  name: string;
  kind: 'brand' | 'customer';
  token: string;
  createdAt: string;
  description: string;
  verified: boolean;
  protected: boolean;
  receivesYourDm: boolean;
  publicMetrics: ReturnType<SimulatorStore['publicMetrics']>;
}

export interface AdminTweetView {
  id: string;
  text: string;
  authorId: string;
  authorUsername: string;
  createdAt: string;
  conversationId: string;
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  inReplyToUsername?: string;
  quotedTweetId?: string;
  /** Usernames mentioned, including auto-populated reply mentions. */
  mentions: string[];
  origin: SimTweet['origin'];
  deleted: boolean;
  replyCount: number;
}

export interface AdminDmView {
  id: string;
  text: string;
  senderId: string;
  senderUsername: string;
  recipientId: string;
  recipientUsername: string;
  /** "{smaller_user_id}-{larger_user_id}". */
  conversationId: string;
  createdAt: string;
  origin: SimDmEvent['origin'];
}

export function dmView(event: SimDmEvent, store: SimulatorStore): AdminDmView {
  return {
    id: event.id,
    text: event.text,
    senderId: event.senderId,
    senderUsername: store.userById(event.senderId)?.username ?? '',
    recipientId: event.recipientId,
    recipientUsername: store.userById(event.recipientId)?.username ?? '',
    conversationId: event.conversationId,
    createdAt: event.createdAt,
    origin: event.origin,
  };
}

export function accountView(user: SimUser, store: SimulatorStore): AdminAccountView {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    kind: user.kind,
    token: user.token,
    createdAt: user.createdAt,
    description: user.description,
    verified: user.verified,
    protected: user.protected,
    receivesYourDm: user.receivesYourDm,
    publicMetrics: store.publicMetrics(user),
  };
}

export function tweetView(tweet: SimTweet, store: SimulatorStore): AdminTweetView {
  const view: AdminTweetView = {
    id: tweet.id,
    text: tweet.text,
    authorId: tweet.authorId,
    authorUsername: store.userById(tweet.authorId)?.username ?? '',
    createdAt: tweet.createdAt,
    conversationId: tweet.conversationId,
    mentions: tweet.mentions.map((m) => m.username),
    origin: tweet.origin,
    deleted: tweet.deleted,
    replyCount: tweet.replyCount,
  };
  if (tweet.inReplyToTweetId) view.inReplyToTweetId = tweet.inReplyToTweetId;
  if (tweet.inReplyToUserId) {
    view.inReplyToUserId = tweet.inReplyToUserId;
    view.inReplyToUsername = store.userById(tweet.inReplyToUserId)?.username;
  }
  if (tweet.quotedTweetId) view.quotedTweetId = tweet.quotedTweetId;
  return view;
}
