import { createLogger } from '@perch/platform';
import { type FilteredStreamSource, type StreamedTweet, type TweetHandler } from '@perch/x-client';

import { StreamInboundSource } from './stream-inbound-source.adapter';

describe(StreamInboundSource.name, () => {
  async function handlerGivenToTheStream(onTweet: () => Promise<void>): Promise<TweetHandler> {
    let given: TweetHandler | undefined;
    const stream = {
      ensureRules: jest.fn().mockResolvedValue({ added: [], rules: [] }),
      start: jest.fn(async (handler: TweetHandler) => {
        given = handler;
      }),
    } as unknown as FilteredStreamSource;
    await new StreamInboundSource(stream, [{ id: '1', username: 'acme' }] as never, createLogger('spec')).start({
      onTweet,
      onProblem: jest.fn(),
    } as never);
    if (!given) throw new Error('the stream was not started');
    return given;
  }

  it('hands the stream a promise that settles when the tweet is published, so the stream can pause while too many wait', async () => {
    let publish: () => void = () => undefined;
    const handler = await handlerGivenToTheStream(() => new Promise<void>((resolve) => (publish = resolve)));

    const result = handler({ data: { id: '9' } } as StreamedTweet);
    expect(result).toBeInstanceOf(Promise);
    let settled = false;
    void (result as Promise<void>).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    publish();
    await result;
    expect(settled).toBe(true);
  });

  it('settles (without throwing) when the publish failed: the ingestor logged it and the mentions poll recovers the tweet', async () => {
    const handler = await handlerGivenToTheStream(() => Promise.reject(new Error('kafka down')));

    await expect(handler({ data: { id: '9' } } as StreamedTweet)).resolves.toBeUndefined();
  });
});
