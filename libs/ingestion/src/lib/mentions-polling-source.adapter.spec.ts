import { type InboundSource as InboundSourceKind } from '@perch/contracts';
import { createLogger } from '@perch/platform';
import { type BrandAccount, MentionsTimelineReader } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { MemoryCursorStore } from './cursor/memory-cursor-store.adapter';
import { type InboundSourceHandlers } from './inbound-source.port';
import { mentionsCursorKey, MentionsPollingSource } from './mentions-polling-source.adapter';

const BRAND_TOKEN = 'polling-brand-token';

describe(MentionsPollingSource.name, () => {
  const simulator = new XSimulator({
    seed: { appBearerToken: 'polling-app-bearer', brands: [{ username: 'acme_support', token: BRAND_TOKEN }] },
    rateLimits: 'unlimited',
  });
  let brand: BrandAccount;
  let reader: MentionsTimelineReader;
  let delivered: { id: string; source: InboundSourceKind; tag: string | undefined }[];
  let failOn: string | undefined;
  const handlers: InboundSourceHandlers = {
    onTweet: async (result: TweetV2SingleStreamResult, _receivedAt: number, source: InboundSourceKind) => {
      if (result.data.id === failOn) throw new Error('broker down');
      delivered.push({ id: result.data.id, source, tag: result.matching_rules[0]?.tag });
    },
    onDirectMessage: async () => {
      throw new Error('the mentions poll hands over no direct messages');
    },
    onProblem: () => undefined,
  };

  beforeAll(async () => {
    const { baseUrl } = await simulator.start(0);
    reader = new MentionsTimelineReader({ apiBaseUrl: baseUrl });
    const account = simulator.account('acme_support');
    brand = { id: account.id, username: account.username, token: BRAND_TOKEN };
    simulator.createAccount({ username: 'early_bird', kind: 'customer' });
    simulator.createAccount({ username: 'night_owl', kind: 'customer' });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  beforeEach(() => {
    delivered = [];
    failOn = undefined;
  });

  function source(cursors: MemoryCursorStore): MentionsPollingSource {
    return new MentionsPollingSource(reader, [brand], cursors, createLogger('test'), { intervalMs: 60_000 });
  }

  function tweet(author: string, text: string): string {
    return simulator.createTweet({ authorUsername: author, text: `@acme_support ${text}` }).id;
  }

  it('counts the very first mention of a brand that had none when polling began', async () => {
    const quiet = simulator.createAccount({ kind: 'brand', username: 'quiet_brand', token: 'quiet-brand-token' });
    const quietBrand = { id: quiet.id, username: quiet.username, token: 'quiet-brand-token' };
    const cursors = new MemoryCursorStore();
    const poller = new MentionsPollingSource(reader, [quietBrand], cursors, createLogger('test'), { intervalMs: 60_000 });
    await poller.pollOnce(quietBrand, handlers);
    const first = simulator.createTweet({ authorUsername: 'early_bird', text: '@quiet_brand hello, anyone there?' }).id;
    await poller.pollOnce(quietBrand, handlers);
    expect(delivered.map((d) => d.id)).toEqual([first]);
  });

  it('starts a new brand at its newest mention instead of replaying its history', async () => {
    tweet('early_bird', 'old news from before Perch');
    const cursors = new MemoryCursorStore();
    expect(await source(cursors).pollOnce(brand, handlers)).toBe(0);
    expect(delivered).toHaveLength(0);
    expect(await cursors.get(mentionsCursorKey(brand.id))).toBeDefined();
  });

  it('delivers every newer mention once, oldest first, tagged with its brand, and moves the cursor past them', async () => {
    const cursors = new MemoryCursorStore();
    const poller = source(cursors);
    await poller.pollOnce(brand, handlers);
    const ids = Array.from({ length: 230 }, (_, i) => tweet(i % 2 ? 'early_bird' : 'night_owl', `question number ${i}?`));
    await poller.pollOnce(brand, handlers);
    expect(delivered.map((d) => d.id)).toEqual(ids);
    expect(delivered.every((d) => d.source === 'mentions-poll' && d.tag === `brand:${brand.id}`)).toBe(true);
    await poller.pollOnce(brand, handlers);
    expect(delivered).toHaveLength(230);
  });

  it('keeps the cursor when a tweet cannot be published, and delivers it again on the next poll', async () => {
    const cursors = new MemoryCursorStore();
    const poller = source(cursors);
    await poller.pollOnce(brand, handlers);
    const first = tweet('early_bird', 'my parcel is lost');
    const second = tweet('night_owl', 'my refund is late');
    failOn = second;
    await expect(poller.pollOnce(brand, handlers)).rejects.toThrow('broker down');
    failOn = undefined;
    await poller.pollOnce(brand, handlers);
    expect(delivered.map((d) => d.id)).toEqual([first, first, second]);
  });

  it('resumes after a restart exactly where it stopped: what arrived while it was down, nothing earlier', async () => {
    const cursors = new MemoryCursorStore();
    await source(cursors).pollOnce(brand, handlers);
    const before = tweet('early_bird', 'before the restart');
    await source(cursors).pollOnce(brand, handlers);
    const whileDown = [tweet('night_owl', 'while you were down'), tweet('early_bird', 'still down?')];
    delivered = [];
    await source(cursors).pollOnce(brand, handlers);
    expect(delivered.map((d) => d.id)).toEqual(whileDown);
    expect(delivered.map((d) => d.id)).not.toContain(before);
  });
});
