import { errorMessage, type Logger } from '@perch/platform';
import { type BrandAccount, type FilteredStreamSource, type StreamEvent } from '@perch/x-client';

import { type InboundSource, type InboundSourceHandlers } from './inbound-source.port';

/** Rule tags carry the brand's id so a tweet mentioning two brands is attributed without guessing. */
export function brandRules(brands: readonly BrandAccount[]): { value: string; tag: string }[] {
  return brands.map((brand) => ({ value: `@${brand.username} -is:retweet`, tag: `brand:${brand.id}` }));
}

/** X's filtered stream as an inbound source: makes sure our rules exist, then hands every tweet over. */
export class StreamInboundSource implements InboundSource {
  constructor(
    private readonly stream: FilteredStreamSource,
    private readonly brands: readonly BrandAccount[],
    private readonly logger: Logger,
  ) {}

  async start(handlers: InboundSourceHandlers): Promise<void> {
    await this.stream.ensureRules(brandRules(this.brands));
    await this.stream.start(
      // The stream has no cursor to hold back; a failed publish is logged by the ingestor and recovered by
      // the mentions poll (the dedupe claim is released on failure). The promise goes back to the stream, which
      // pauses reading while too many are unsettled (maxPendingTweets).
      (tweet) => handlers.onTweet(tweet, Date.now(), 'stream').catch(() => undefined),
      (event) => this.onEvent(event, handlers),
    );
  }

  async stop(): Promise<void> {
    await this.stream.stop();
  }

  private onEvent(event: StreamEvent, handlers: InboundSourceHandlers): void {
    switch (event.type) {
      case 'malformed-line':
        // twitter-api-v2 hands over only the parse error; V8's message quotes the start of the line.
        handlers.onProblem({ reason: `unparsable stream line: ${errorMessage(event.error)}`, raw: errorMessage(event.error) });
        return;
      case 'unexpected-message':
        handlers.onProblem({ reason: 'stream message is neither a tweet nor an error', raw: JSON.stringify(event.payload) });
        return;
      case 'stream-error':
        this.logger.warn({ errors: event.errors }, 'X sent an error on the stream');
        return;
      case 'connected':
        this.logger.info({ reconnect: event.reconnect }, 'filtered stream connected');
        return;
      case 'disconnected':
      case 'stalled':
      case 'connect-failed':
      case 'reconnect-scheduled':
      case 'handler-error':
        this.logger.warn({ event: { ...event, error: 'error' in event ? errorMessage(event.error) : undefined } }, `filtered stream: ${event.type}`);
        return;
      case 'back-pressure':
        // Kafka is behind the stream: normal in a burst, worth seeing when it lasts.
        this.logger.debug({ pendingTweets: event.pendingTweets }, event.paused ? 'filtered stream paused: publishes behind' : 'filtered stream resumed');
        return;
    }
  }
}
