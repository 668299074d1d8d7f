import { type InboundSource as InboundSourceKind } from '@perch/contracts';
import { type ReceivedDirectMessage } from '@perch/x-client';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

/** Something a source could not turn into a message: it is dead-lettered, never silently lost. */
export interface SourceProblem {
  reason: string;
  raw: string;
  /** Where it came from, as the dead-letter record's sourceTopic: 'x.stream' (default), 'x.account-activity', 'x.dm-events'. */
  origin?: string;
}

export interface InboundSourceHandlers {
  /**
   * Resolves once the tweet is published (or known to be a duplicate, or deliberately ignored) and rejects if it
   * could not be: a source with a cursor moves it only past tweets that resolved.
   */
  onTweet(result: TweetV2SingleStreamResult, receivedAt: number, source: InboundSourceKind): Promise<void>;
  /** The same promise for a direct message (the brand's own outgoing ones are ignored, not published). */
  onDirectMessage(message: ReceivedDirectMessage, receivedAt: number, source: InboundSourceKind): Promise<void>;
  onProblem(problem: SourceProblem): void;
}

/** Where customer messages come from: the filtered stream, mentions polling, Account Activity webhooks, DM polling. */
export interface InboundSource {
  start(handlers: InboundSourceHandlers): Promise<void>;
  stop(): Promise<void>;
}
