import { type DeadLetterRecord, type InboundReceivedPayload } from '@perch/contracts';
import { EventBus, MemoryTransport } from '@perch/messaging';
import { createLogger, RetryableError } from '@perch/platform';
import { waitFor } from '@perch/testing';
import { type ReceivedDirectMessage } from '@perch/x-client';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { MemoryDedupeStore } from './dedupe/memory-dedupe-store.adapter';
import { IngestorService } from './ingestor.domain';
import { ingestorBusCapturing, ManualSource } from './testing/inbound-capture.fixtures';
import { TweetNormalizer } from './tweet-normalizer.domain';

function tweet(id: string, authorId = '42'): TweetV2SingleStreamResult {
  return {
    data: { id, text: '@acme_support where is my refund?', author_id: authorId, conversation_id: id, edit_history_tweet_ids: [id] },
    includes: { users: [{ id: authorId, name: 'Cat', username: 'catperson' }] },
    matching_rules: [{ id: '1', tag: 'brand:100' }],
  };
}

function directMessage(id: string, senderId = '42'): ReceivedDirectMessage {
  return {
    id,
    forUserId: '100',
    senderId,
    recipientId: senderId === '100' ? '42' : '100',
    conversationId: '100-42',
    text: 'my refund is late',
    createdAt: '2024-01-15T10:35:00.000Z',
    sender: { id: senderId, username: 'catperson', name: 'Cat' },
  };
}

describe(IngestorService.name, () => {
  let transport: MemoryTransport;
  let source: ManualSource;
  let ingestor: IngestorService;
  let dedupe: MemoryDedupeStore;
  const published: InboundReceivedPayload[] = [];
  const deadLetters: DeadLetterRecord[] = [];

  beforeEach(async () => {
    published.length = 0;
    deadLetters.length = 0;
    transport = new MemoryTransport();
    const bus = await ingestorBusCapturing(transport, published, deadLetters);
    source = new ManualSource();
    const brands = [{ id: '100', username: 'acme_support', token: 't' }];
    // A short claim TTL stands for the lapse of a crashed ingestor's claim.
    dedupe = new MemoryDedupeStore({ claimTtlMs: 200 });
    ingestor = new IngestorService([source], new TweetNormalizer(brands), dedupe, bus, createLogger('test'));
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
    await waitFor('two events published and one duplicate', () => published.length === 2 && ingestor.counters.duplicates === 1);
    expect(published.map((p) => p.messageId).sort()).toEqual(['7001', '7002']);
  });

  it('drops a tweet seen on the stream when the mentions poll brings it again, and says where it came from', async () => {
    await source.handlers?.onTweet(tweet('7010'), Date.now(), 'mentions-poll');
    await source.handlers?.onTweet(tweet('7010'), Date.now(), 'stream');
    await waitFor('one event published', () => published.length === 1);
    expect(published[0]?.source).toBe('mentions-poll');
    expect(ingestor.counters.duplicates).toBe(1);
  });

  it('drops the poll’s second sighting of a published tweet from memory, without asking the dedupe store', async () => {
    const claims = jest.spyOn(dedupe, 'claim');
    await source.handlers?.onTweet(tweet('7020'), Date.now(), 'stream');
    await source.handlers?.onTweet(tweet('7020'), Date.now(), 'mentions-poll');
    await waitFor('the tweet published', () => published.length === 1);
    expect(published.map((p) => p.messageId)).toEqual(['7020']);
    expect(claims).toHaveBeenCalledTimes(1);
    expect(ingestor.counters).toMatchObject({ duplicates: 1, knownDuplicates: 1 });
  });

  it('asks the dedupe store again for an id it no longer remembers, and still publishes it once', async () => {
    const own = new MemoryTransport();
    const bus = await ingestorBusCapturing(own, published, deadLetters);
    const small = new IngestorService([], new TweetNormalizer([{ id: '100', username: 'acme_support', token: 't' }]), dedupe, bus, createLogger('test'), {
      recentlyPublishedCapacity: 1,
    });
    const claims = jest.spyOn(dedupe, 'claim');
    await small.ingest(tweet('7030'), Date.now(), 'stream');
    await small.ingest(tweet('7031'), Date.now(), 'stream');
    await small.ingest(tweet('7030'), Date.now(), 'mentions-poll');
    await waitFor('both tweets published', () => published.length === 2);
    expect(published.map((p) => p.messageId).sort()).toEqual(['7030', '7031']);
    expect(claims).toHaveBeenCalledTimes(3);
    expect(small.counters).toMatchObject({ duplicates: 1, knownDuplicates: 0 });
    await own.disconnect();
  });

  it('does not publish the brand’s own tweets', async () => {
    void source.handlers?.onTweet(tweet('7003', '100'), Date.now(), 'stream');
    void source.handlers?.onTweet(tweet('7004'), Date.now(), 'stream');
    await waitFor('one event published', () => published.length === 1);
    expect(ingestor.counters.ignored).toBe(1);
  });

  it('dead-letters a malformed stream line with the reason and keeps going', async () => {
    source.handlers?.onProblem({ reason: 'unparsable stream line: Unexpected token', raw: '{"data":{"id":' });
    void source.handlers?.onTweet(tweet('7005'), Date.now(), 'stream');
    await waitFor('one event published and one dead letter', () => published.length === 1 && deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.stream', value: '{"data":{"id":', reason: 'unparsable stream line: Unexpected token' });
  });

  it('dead-letters a tweet it cannot normalize instead of losing it', async () => {
    const bad = tweet('7006');
    delete bad.data.author_id;
    void source.handlers?.onTweet(bad, Date.now(), 'stream');
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]?.reason).toMatch(/no author_id/);
    expect(published).toHaveLength(0);
  });

  it('publishes a DM brought by both the webhook and the poll once, as a dm in the customer’s conversation', async () => {
    await source.handlers?.onDirectMessage(directMessage('8001'), Date.now(), 'dm-webhook');
    await source.handlers?.onDirectMessage(directMessage('8001'), Date.now(), 'dm-poll');
    await waitFor('one event published', () => published.length === 1);
    expect(published[0]).toMatchObject({ messageId: '8001', kind: 'dm', source: 'dm-webhook', conversationKey: '100:dm:42', threadId: '100-42' });
    expect(ingestor.counters).toMatchObject({ duplicates: 1, dmPublished: 1 });
  });

  it('never mistakes a DM for a tweet with the same id', async () => {
    await source.handlers?.onTweet(tweet('8002'), Date.now(), 'stream');
    await source.handlers?.onDirectMessage(directMessage('8002'), Date.now(), 'dm-poll');
    await waitFor('two events published', () => published.length === 2);
    expect(published.map((p) => p.kind).sort()).toEqual(['dm', 'mention']);
    expect(ingestor.counters.duplicates).toBe(0);
  });

  it('does not publish the brand’s own outgoing DMs', async () => {
    await source.handlers?.onDirectMessage(directMessage('8003', '100'), Date.now(), 'dm-webhook');
    await source.handlers?.onDirectMessage(directMessage('8004'), Date.now(), 'dm-webhook');
    await waitFor('one event published', () => published.length === 1);
    expect(published[0]?.messageId).toBe('8004');
    expect(ingestor.counters.ignored).toBe(1);
  });

  it('dead-letters a DM for an account it does not serve, marked as coming from the webhook', async () => {
    await source.handlers?.onDirectMessage({ ...directMessage('8005'), forUserId: '999' }, Date.now(), 'dm-webhook');
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.account-activity', reason: expect.stringMatching(/account 999/) });
    expect(published).toHaveLength(0);
  });

  it('dead-letters a source problem under the origin the source names', async () => {
    source.handlers?.onProblem({ reason: 'DM event 9 has no sender_id', raw: '{"id":"9"}', origin: 'x.dm-events' });
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.dm-events', value: '{"id":"9"}' });
  });

  it('dead-letters a DM the contract refuses and resolves, so a poll is not stuck on it', async () => {
    // X caps DMs at 10,000 characters, as the contract does; a longer one stands for any message the contract refuses.
    const long = { ...directMessage('8006'), text: 'a'.repeat(10_001) };
    await expect(source.handlers?.onDirectMessage(long, Date.now(), 'dm-poll')).resolves.toBeUndefined();
    await waitFor('one dead letter', () => deadLetters.length === 1);
    expect(deadLetters[0]).toMatchObject({ sourceTopic: 'x.dm-events', value: JSON.stringify(long), problems: [expect.objectContaining({ field: 'payload.text' })] });
    expect(published).toHaveLength(0);
    expect(ingestor.counters.failed).toBe(0);
  });

  it('publishes a tweet whose claim a crashed ingestor left behind, once that claim lapses', async () => {
    // Another ingestor claimed it, then died before publishing: nothing will mark it, nothing will release it.
    await dedupe.claim('7020');
    await source.handlers?.onTweet(tweet('7020'), Date.now(), 'mentions-poll');
    await waitFor('one event published', () => published.length === 1);
    expect(published.map((p) => p.messageId)).toEqual(['7020']);
    expect(ingestor.counters.duplicates).toBe(0);
    expect(ingestor.counters.claimWaits).toBeGreaterThan(0);
  });

  it('publishes a tweet whose first delivery failed to publish, rather than dropping the second as a duplicate', async () => {
    const first = await dedupe.claim('7021');
    const second = source.handlers?.onTweet(tweet('7021'), Date.now(), 'mentions-poll');
    await waitFor('the delivery to wait for the other claim', () => ingestor.counters.claimWaits > 0);
    if (first.status === 'claimed') await dedupe.release('7021', first.token);
    await second;
    await waitFor('one event published', () => published.length === 1);
    expect(published.map((p) => p.messageId)).toEqual(['7021']);
  });

  it('marks a tweet published only once it is on the topic, so a redelivery after that is a duplicate', async () => {
    await source.handlers?.onTweet(tweet('7022'), Date.now(), 'stream');
    expect(await dedupe.claim('7022')).toEqual({ status: 'published' });
    await source.handlers?.onTweet(tweet('7022'), Date.now(), 'mentions-poll');
    await waitFor('one event published', () => published.length === 1);
    expect(published.map((p) => p.messageId)).toEqual(['7022']);
    expect(ingestor.counters.duplicates).toBe(1);
  });

  it('stops waiting for another delivery’s claim when stopping, and fails the delivery so that its source keeps it', async () => {
    const holder = new MemoryDedupeStore({ claimTtlMs: 60_000 });
    const brands = [{ id: '100', username: 'acme_support', token: 't' }];
    const bus = new EventBus(transport, { producer: 'ingestor', logger: createLogger('test') });
    const waiting = new ManualSource();
    const stopping = new IngestorService([waiting], new TweetNormalizer(brands), holder, bus, createLogger('test'));
    await stopping.start();
    await holder.claim('7023');
    const delivery = waiting.handlers?.onTweet(tweet('7023'), Date.now(), 'mentions-poll');
    await waitFor('the delivery to wait for the other claim', () => stopping.counters.claimWaits > 0);
    await stopping.stop();
    await expect(delivery).rejects.toBeInstanceOf(RetryableError);
    expect(published).toEqual([]);
  });
});
