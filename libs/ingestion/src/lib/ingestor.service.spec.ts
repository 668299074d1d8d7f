import { type DeadLetterRecord, deadLetterTopicOf, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { EventBus, MemoryTransport, perchTopicSpecs } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { MemoryDedupeStore } from './dedupe/memory-dedupe-store.adapter';
import { type InboundSource, type InboundSourceHandlers } from './inbound-source.port';
import { IngestorService } from './ingestor.service';
import { TweetNormalizer } from './tweet-normalizer';

class ManualSource implements InboundSource {
  handlers?: InboundSourceHandlers;
  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.handlers = handlers;
  }
  async stop(): Promise<void> {
    this.handlers = undefined;
  }
}

function tweet(id: string, authorId = '42'): TweetV2SingleStreamResult {
  return {
    data: { id, text: '@acme_support where is my refund?', author_id: authorId, conversation_id: id, edit_history_tweet_ids: [id] },
    includes: { users: [{ id: authorId, name: 'Cat', username: 'catperson' }] },
    matching_rules: [{ id: '1', tag: 'brand:100' }],
  };
}

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe(IngestorService.name, () => {
  let transport: MemoryTransport;
  let source: ManualSource;
  let ingestor: IngestorService;
  const published: InboundReceivedPayload[] = [];
  const deadLetters: DeadLetterRecord[] = [];

  beforeEach(async () => {
    published.length = 0;
    deadLetters.length = 0;
    transport = new MemoryTransport();
    await transport.connect();
    await transport.ensureTopics(perchTopicSpecs());
    const bus = new EventBus(transport, { producer: 'ingestor', logger: createLogger('test') });
    await bus.subscribe(Topics.InboundReceived, 'reader', async (e) => {
      published.push(e.payload);
    }, { fromBeginning: true });
    await transport.consume({ groupId: 'dlq', topics: [deadLetterTopicOf(Topics.InboundReceived)], fromBeginning: true }, async (messages) => {
      for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
    });
    source = new ManualSource();
    const brands = [{ id: '100', username: 'acme_support', token: 't' }];
    ingestor = new IngestorService([source], new TweetNormalizer(brands), new MemoryDedupeStore(), bus, createLogger('test'));
    await ingestor.start();
  });

  afterEach(async () => {
    await ingestor.stop();
    await transport.disconnect();
  });

  it('publishes each customer tweet once, even when the source delivers it twice', async () => {
    void source.handlers?.onTweet(tweet('7001'), Date.now(), 'stream');
    void source.handlers?.onTweet(tweet('7001'), Date.now(), 'stream');
    void source.handlers?.onTweet(tweet('7002'), Date.now(), 'stream');
    await until(() => published.length === 2 && ingestor.counters.duplicates === 1);
    expect(published.map((p) => p.messageId).sort()).toEqual(['7001', '7002']);
  });

  it('drops a tweet seen on the stream when the mentions poll brings it again, and says where it came from', async () => {
    await source.handlers?.onTweet(tweet('7010'), Date.now(), 'mentions-poll');
    await source.handlers?.onTweet(tweet('7010'), Date.now(), 'stream');
    await until(() => published.length === 1);
    expect(published[0]?.source).toBe('mentions-poll');
    expect(ingestor.counters.duplicates).toBe(1);
  });

  it('does not publish the brand’s own tweets', async () => {
    void source.handlers?.onTweet(tweet('7003', '100'), Date.now(), 'stream');
    void source.handlers?.onTweet(tweet('7004'), Date.now(), 'stream');
    await until(() => published.length === 1);
    expect(ingestor.counters.ignored).toBe(1);
  });

  it('dead-letters a malformed stream line with the reason and keeps going', async () => {
    source.handlers?.onProblem({ reason: 'unparsable stream line: Unexpected token', raw: '{"data":{"id":' });
    void source.handlers?.onTweet(tweet('7005'), Date.now(), 'stream');
    await until(() => published.length === 1 && deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.stream', value: '{"data":{"id":', reason: 'unparsable stream line: Unexpected token' });
  });

  it('dead-letters a tweet it cannot normalize instead of losing it', async () => {
    const bad = tweet('7006');
    delete bad.data.author_id;
    void source.handlers?.onTweet(bad, Date.now(), 'stream');
    await until(() => deadLetters.length === 1);
    expect(deadLetters[0]?.reason).toMatch(/no author_id/);
    expect(published).toHaveLength(0);
  });
});
