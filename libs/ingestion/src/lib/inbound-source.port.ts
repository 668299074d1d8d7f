import { type InboundSource as InboundSourceKind } from '@perch/contracts';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

/** Something the source could not turn into a tweet: it is dead-lettered, never silently lost. */
export interface SourceProblem {
  reason: string;
  raw: string;
}

export interface InboundSourceHandlers {
  /**
   * Resolves once the tweet is published (or known to be a duplicate) and rejects if it could not be:
   * a source with a cursor moves it only past tweets that resolved.
   */
  onTweet(result: TweetV2SingleStreamResult, receivedAt: number, source: InboundSourceKind): Promise<void>;
  onProblem(problem: SourceProblem): void;
}

/** Where tweets come from: X's filtered stream today; mentions polling and DM webhooks join later. */
export interface InboundSource {
  start(handlers: InboundSourceHandlers): Promise<void>;
  stop(): Promise<void>;
}
