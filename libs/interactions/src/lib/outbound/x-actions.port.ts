// What the outbound worker does on X. @perch/x-client's XApiPort satisfies it structurally: it throws
// RetryableError for 429/5xx/network and PermanentError carrying X's detail for refusals.

export interface PostTweetRequest {
  /** The brand account's user-context token. */
  brandToken: string;
  text: string;
  inReplyToTweetId?: string;
}

export interface PostedTweet {
  tweetId: string;
  text: string;
}

export interface FindTweetRequest {
  brandToken: string;
  brandId: string;
  /** Absent: a post that replies to nothing. */
  inReplyToTweetId?: string;
  text: string;
}

export interface SendDmRequest {
  brandToken: string;
  participantId: string;
  text: string;
}

export interface SentDm {
  dmEventId: string;
  dmConversationId: string;
}

export interface FindDmRequest {
  brandToken: string;
  brandId: string;
  participantId: string;
  text: string;
}

export interface FollowRequest {
  brandToken: string;
  brandId: string;
  targetUserId: string;
}

export interface FollowOutcome {
  following: boolean;
  pendingFollow: boolean;
}

export interface XActionsPort {
  postTweet(request: PostTweetRequest): Promise<PostedTweet>;
  /**
   * The brand's tweet with that text (and parent), if X already has it. Asked before posting again a
   * command whose previous holder vanished, since X has no idempotency key of its own.
   */
  findTweet(request: FindTweetRequest): Promise<PostedTweet | undefined>;
  sendDm(request: SendDmRequest): Promise<SentDm>;
  /** The brand's DM with that text to that participant, if X already has it (same reason as findTweet). */
  findDm(request: FindDmRequest): Promise<SentDm | undefined>;
  follow(request: FollowRequest): Promise<FollowOutcome>;
  unfollow(request: FollowRequest): Promise<FollowOutcome>;
}
