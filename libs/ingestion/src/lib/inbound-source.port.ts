import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

/** Something the source could not turn into a tweet: it is dead-lettered, never silently lost. */
export interface SourceProblem {
  reason: string;
  raw: string;
}

export interface InboundSourceHandlers {
  onTweet(result: TweetV2SingleStreamResult, receivedAt: number): void;
  onProblem(problem: SourceProblem): void;
}

/** Where tweets come from: X's filtered stream today; mentions polling and DM webhooks join later. */
export interface InboundSource {
  start(handlers: InboundSourceHandlers): Promise<void>;
  stop(): Promise<void>;
}
