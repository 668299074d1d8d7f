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

/**
 * The one X call the outbound worker makes. @perch/x-client's XApiPort satisfies it structurally:
 * it throws RetryableError for 429/5xx/network and PermanentError carrying X's detail for refusals.
 */
export interface FindReplyRequest {
  brandToken: string;
  brandId: string;
  inReplyToTweetId: string;
  text: string;
}

export interface XPosterPort {
  postTweet(request: PostTweetRequest): Promise<PostedTweet>;
  /**
   * The brand's reply with that text to that tweet, if X already has it. Asked before posting again a
   * command whose previous holder vanished, since X has no idempotency key of its own.
   */
  findReply?(request: FindReplyRequest): Promise<PostedTweet | undefined>;
}
