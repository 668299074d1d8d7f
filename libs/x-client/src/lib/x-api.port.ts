// What Perch needs from X for answering: post (reply) as a brand, and look accounts up. The stream
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

/** A reply the brand may already have posted (a worker that died after X answered and before recording it). */
export interface FindReplyQuery {
  brandToken: string;
  brandId: string;
  inReplyToTweetId: string;
  text: string;
}

export interface XApiPort {
  postTweet(command: PostTweetCommand): Promise<PostedTweet>;
  /** The brand's own reply to that tweet with that text among its recent tweets, if X has it. */
  findReply(query: FindReplyQuery): Promise<PostedTweet | undefined>;
  lookupUser(query: LookupUserQuery): Promise<XUserProfile>;
  /** The account behind a user-context token. */
  me(token: string): Promise<XUserProfile>;
}
