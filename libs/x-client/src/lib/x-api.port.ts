// What Perch needs from X for answering: post (reply, new post), DM, follow and unfollow as a brand,
// and look accounts up. The stream
// (reading) has its own class, FilteredStreamSource, since it is long-lived rather than request/reply.
// Failures are @perch/platform errors: RetryableError (429, 5xx, network; retryAfterMs when X says
// when) or PermanentError (X refused: duplicate, too long, reply not allowed, auth), NotFoundError.

export interface PostTweetCommand {
  /** The brand account's user-context token. */
  brandToken: string;
  text: string;
  inReplyToTweetId?: string;
  /** Leave these users out of the auto-populated reply mentions. */
  excludeReplyUserIds?: string[];
}

export interface XRateLimit {
  limit: number;
  remaining: number;
  /** When the window resets, epoch ms. */
  resetAt: number;
}

export interface PostedTweet {
  tweetId: string;
  /** The text as X stored it (replies may carry auto-populated leading @mentions). */
  text: string;
  rateLimit?: XRateLimit;
}

export interface XPublicMetrics {
  followersCount: number;
  followingCount: number;
  tweetCount: number;
  listedCount: number;
  likeCount: number;
}

export interface XUserProfile {
  id: string;
  username: string;
  name: string;
  description?: string;
  location?: string;
  createdAt?: string;
  verified?: boolean;
  protected?: boolean;
  publicMetrics?: XPublicMetrics;
  /** Relative to the token's user: e.g. ["followed_by"] means this user follows us. */
  connectionStatus: string[];
  followsYou: boolean;
  followedByYou: boolean;
  /** Whether a DM from the token's user would be accepted; undefined when X did not say. */
  receivesYourDm?: boolean;
}

export interface LookupUserQuery {
  /** A user-context token (connection_status is relative to its user) or the app bearer. */
  token: string;
  userId: string;
}

/**
 * A tweet the brand may already have posted (a worker that died after X answered and before recording
 * it): a reply to `inReplyToTweetId`, or a post that replies to nothing when it is absent.
 */
export interface FindTweetQuery {
  brandToken: string;
  brandId: string;
  inReplyToTweetId?: string;
  text: string;
}

export interface SendDmCommand {
  brandToken: string;
  /** The customer's user id. */
  participantId: string;
  text: string;
}

export interface SentDm {
  dmEventId: string;
  dmConversationId: string;
  rateLimit?: XRateLimit;
}

/** A DM the brand may already have sent to that participant with that text. */
export interface FindDmQuery {
  brandToken: string;
  brandId: string;
  participantId: string;
  text: string;
}

export interface FollowCommand {
  brandToken: string;
  brandId: string;
  targetUserId: string;
}

export interface FollowResult {
  following: boolean;
  /** The target is protected: X holds the follow until they accept it. */
  pendingFollow: boolean;
}

export interface XApiPort {
  postTweet(command: PostTweetCommand): Promise<PostedTweet>;
  /** The brand's own tweet with that text (and parent) among its recent tweets, if X has it. */
  findTweet(query: FindTweetQuery): Promise<PostedTweet | undefined>;
  sendDm(command: SendDmCommand): Promise<SentDm>;
  /** The brand's own DM to that participant with that text among their recent messages, if X has it. */
  findDm(query: FindDmQuery): Promise<SentDm | undefined>;
  /** Following someone already followed succeeds again: X's follow and unfollow are idempotent. */
  follow(command: FollowCommand): Promise<FollowResult>;
  unfollow(command: FollowCommand): Promise<FollowResult>;
  lookupUser(query: LookupUserQuery): Promise<XUserProfile>;
  /** The account behind a user-context token. */
  me(token: string): Promise<XUserProfile>;
}
