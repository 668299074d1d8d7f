// DmEventsReader against the simulator's GET /2/dm_events, through twitter-api-v2's listDmEvents.
import { REALISTIC_RATE_LIMITS } from '@perch/x-simulator';

import { DmEventsReader } from './dm-events-reader.adapter';
import { BRAND_TOKEN, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

describe(DmEventsReader.name, () => {
  let world: SimulatorWorld;
  let reader: DmEventsReader;

  beforeAll(async () => {
    world = await startSimulatorWorld({ rateLimits: 'unlimited' });
  });
  afterAll(() => world.stop());
  beforeEach(() => {
    world.sim.reset();
    world.sim.setRateLimits('unlimited');
    reader = new DmEventsReader({ apiBaseUrl: world.baseUrl });
  });

  function dm(from: string, to: string, text: string): string {
    return world.sim.sendDirectMessage({ fromUsername: from, toUsername: to, text }).id;
  }

  it('finds the newest event of an inbox, and nothing in an empty one', async () => {
    expect(await reader.newestEventId(BRAND_TOKEN, world.brand.id)).toBeUndefined();
    world.customer('cat', { followsBrand: true });
    dm('cat', 'acme_support', 'first');
    const newest = dm('cat', 'acme_support', 'second');
    expect(await reader.newestEventId(BRAND_TOKEN, world.brand.id)).toBe(newest);
  });

  it('reads every message newer than the cursor, oldest first, across pages, and stops at the cursor', async () => {
    world.customer('cat', { followsBrand: true, followersCount: 50 });
    world.customer('dog');
    const old = dm('cat', 'acme_support', 'before the cursor');
    const ids = Array.from({ length: 230 }, (_, i) => dm(i % 2 ? 'cat' : 'dog', 'acme_support', `message ${i}`));
    const batch = await reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: old });
    expect(batch.messages.map((m) => m.id)).toEqual(ids);
    expect(batch.newestId).toBe(ids[ids.length - 1]);
    expect(batch.pages).toBe(3);
    expect(batch.problems).toEqual([]);
  });

  it('reads a single page when everything new fits on it, however long the history below the cursor', async () => {
    world.customer('cat', { followsBrand: true });
    for (let i = 0; i < 250; i += 1) dm('cat', 'acme_support', `history ${i}`);
    const cursor = dm('cat', 'acme_support', 'the cursor');
    const fresh = dm('cat', 'acme_support', 'new');
    const batch = await reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: cursor });
    expect(batch.messages.map((m) => m.id)).toEqual([fresh]);
    expect(batch.pages).toBe(1);
  });

  it('describes each message with its sender, conversation and whether the sender follows the brand', async () => {
    const cat = world.customer('cat', { followsBrand: true, followersCount: 50 });
    const dog = world.customer('dog');
    const cursor = dm('cat', 'acme_support', 'warm-up');
    const fromCat = dm('cat', 'acme_support', 'Hi @acme_support, my parcel is late');
    const fromDog = dm('dog', 'acme_support', 'refund?');
    const reply = dm('acme_support', 'cat', 'Sorry! Checking now.');
    const batch = await reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: cursor });
    expect(batch.messages).toEqual([
      expect.objectContaining({
        id: fromCat,
        forUserId: world.brand.id,
        senderId: cat.id,
        recipientId: world.brand.id,
        text: 'Hi @acme_support, my parcel is late',
        sender: expect.objectContaining({ id: cat.id, username: 'cat', followersCount: 50, followsYou: true }),
      }),
      expect.objectContaining({ id: fromDog, senderId: dog.id, sender: expect.objectContaining({ username: 'dog', followsYou: false }) }),
      // The brand's own message is read too; the ingestor recognises and drops it.
      expect.objectContaining({ id: reply, senderId: world.brand.id, recipientId: cat.id }),
    ]);
    const conversation = BigInt(cat.id) < BigInt(world.brand.id) ? `${cat.id}-${world.brand.id}` : `${world.brand.id}-${cat.id}`;
    expect(batch.messages[0]?.conversationId).toBe(conversation);
    expect(batch.messages[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('returns nothing and no new cursor when nothing arrived', async () => {
    world.customer('cat', { followsBrand: true });
    const cursor = dm('cat', 'acme_support', 'only one');
    expect(await reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: cursor })).toEqual({ messages: [], problems: [], pages: 1 });
  });

  it('waits for the window X announced instead of drawing a 429', async () => {
    world.sim.setRateLimits({ ...REALISTIC_RATE_LIMITS, 'dm.lookup': { user: { limit: 2, windowMs: 1_500 } } });
    world.customer('cat', { followsBrand: true });
    const cursor = dm('cat', 'acme_support', 'hello');
    for (let i = 0; i < 3; i += 1) await reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: cursor });
    expect(world.sim.stats().rateLimited).toBe(0);
  });

  it('lets a read waiting for its window be cancelled', async () => {
    world.sim.setRateLimits({ ...REALISTIC_RATE_LIMITS, 'dm.lookup': { user: { limit: 1, windowMs: 60_000 } } });
    await reader.newestEventId(BRAND_TOKEN, world.brand.id);
    const abort = new AbortController();
    const read = reader.readSince({ token: BRAND_TOKEN, userId: world.brand.id, sinceId: '0', signal: abort.signal });
    abort.abort();
    await expect(read).rejects.toMatchObject({ code: 'x-read-cancelled' });
    expect(world.sim.stats().rateLimited).toBe(0);
  });
});
