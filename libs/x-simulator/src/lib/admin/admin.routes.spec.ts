import { defined, waitFor } from '@perch/testing';

import { XSimulator } from '../x-simulator-server.domain';

// The admin API over real HTTP: what test suites and the demo use to script the world.
describe('admin API', () => {
  const sim = new XSimulator({ seed: { brands: [{ username: 'acme_support', token: 'acme-token' }] } });
  let base = '';

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
  };
  /** The generator's status once it has stopped (false while it runs). */
  const generatorStopped = async () => {
    const status = (await call('GET', '/admin/generator')).body;
    return !status['running'] && status;
  };

  beforeAll(async () => {
    base = (await sim.start(0)).baseUrl;
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.reset());

  it('makes the X API fail on demand (never the admin API), counts the failures down, and clears them', async () => {
    const me = () => fetch(`${base}/2/users/me`, { headers: { authorization: 'Bearer acme-token' } });
    expect((await call('POST', '/admin/faults/http', { rules: [{ status: 200, count: 1 }] })).status).toBe(400);
    const set = await call('POST', '/admin/faults/http', { rules: [{ status: 503, count: 2, path: '/2/users' }] });
    expect(set.status).toBe(200);
    expect((await me()).status).toBe(503);
    expect((await call('GET', '/admin/stats')).status).toBe(200);
    expect((await me()).status).toBe(503);
    expect((await me()).status).toBe(200);
    await call('POST', '/admin/faults/http', { rules: [{ status: 429, count: 5 }] });
    const throttled = await me();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-rate-limit-remaining')).toBe('0');
    await call('DELETE', '/admin/faults/http');
    expect((await me()).status).toBe(200);
  });

  it('creates accounts with ids, tokens and metrics, and refuses duplicates and bad input', async () => {
    const created = await call('POST', '/admin/accounts', {
      username: 'cat_person',
      kind: 'customer',
      followersCount: 12,
      followsBrand: ['acme_support'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'cat_person',
      kind: 'customer',
      id: expect.stringMatching(/^\d+$/),
      token: expect.any(String),
      publicMetrics: { followers_count: 12, following_count: 1 },
    });
    expect((await call('POST', '/admin/accounts', { username: 'CAT_person', kind: 'customer' })).status).toBe(409);
    const invalid = await call('POST', '/admin/accounts', { username: 'not valid!', kind: 'robot', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body['problems']).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'username' }), expect.objectContaining({ field: 'kind' })]),
    );
  });

  it('posts customer tweets and lists what an account posted, newest first, with replies and mentions', async () => {
    await call('POST', '/admin/accounts', { username: 'cat', kind: 'customer' });
    const first = await call('POST', '/admin/tweets', { authorUsername: 'cat', text: '@acme_support my order is late' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ authorUsername: 'cat', mentions: ['acme_support'], origin: 'admin' });
    const second = await call('POST', '/admin/tweets', {
      authorUsername: 'cat',
      text: 'any update?',
      inReplyToTweetId: first.body['id'],
    });
    expect(second.body).toMatchObject({
      text: '@acme_support any update?',
      inReplyToTweetId: first.body['id'],
      inReplyToUsername: 'cat',
      conversationId: first.body['id'],
    });
    const listed = await call('GET', '/admin/accounts/cat/tweets');
    expect((listed.body['tweets'] as { id: string }[]).map((t) => t.id)).toEqual([second.body['id'], first.body['id']]);
    expect((await call('GET', `/admin/tweets/${String(first.body['id'])}`)).body).toMatchObject({ replyCount: 1 });
  });

  it('refuses admin tweets X would refuse in its app (too long) and unknown authors', async () => {
    await call('POST', '/admin/accounts', { username: 'cat', kind: 'customer' });
    expect((await call('POST', '/admin/tweets', { authorUsername: 'cat', text: 'a'.repeat(281) })).status).toBe(400);
    expect((await call('POST', '/admin/tweets', { authorUsername: 'nobody', text: 'hi' })).status).toBe(404);
  });

  it('runs the generator for a count, creating customers that mention the brand, then stops', async () => {
    const started = await call('POST', '/admin/generator', { rate: 2000, customers: 20, brand: 'acme_support', count: 300, seed: 'admin' });
    expect(started.status).toBe(202);
    const status = await waitFor('the generator to stop', generatorStopped, 10_000);
    expect(status).toMatchObject({ running: false, produced: 300, stopReason: 'count' });
    const stats = (await call('GET', '/admin/stats')).body;
    expect(stats).toMatchObject({ tweetsCreated: 300, tweetsByOrigin: { generator: 300 }, accounts: 21 });
    const customers = (await call('GET', '/admin/accounts?kind=customer')).body['accounts'] as { username: string }[];
    expect(customers).toHaveLength(20);
    const firstCustomer = defined(customers[0], 'the first customer');
    const someTweets = (await call('GET', `/admin/accounts/${firstCustomer.username}/tweets`)).body['tweets'] as { mentions: string[] }[];
    for (const t of someTweets) expect(t.mentions).toContain('acme_support');
  });

  it('stops a running generator on DELETE and reports the reason', async () => {
    await call('POST', '/admin/generator', { rate: 50, customers: 5, brand: 'acme_support' });
    const stopped = await call('DELETE', '/admin/generator');
    expect(stopped.body).toMatchObject({ running: false, stopReason: 'stopped' });
  });

  it('refuses a generator for an unknown brand', async () => {
    const refused = await call('POST', '/admin/generator', { rate: 5, customers: 5, brand: 'nobody' });
    expect(refused.status).toBe(400);
    expect(refused.body['message']).toMatch(/does not exist/);
  });

  it('resets to the seeded state (seed brand keeps its id and token)', async () => {
    const brandBefore = (await call('GET', '/admin/accounts/acme_support')).body;
    await call('POST', '/admin/accounts', { username: 'cat', kind: 'customer' });
    await call('POST', '/admin/tweets', { authorUsername: 'cat', text: '@acme_support hi' });
    expect((await call('POST', '/admin/reset')).status).toBe(200);
    const stats = (await call('GET', '/admin/stats')).body;
    expect(stats).toMatchObject({ tweetsCreated: 0, accounts: 1, rules: 0 });
    expect((await call('GET', '/admin/accounts/acme_support')).body).toMatchObject({ id: brandBefore['id'], token: 'acme-token' });
  });

  it('switches rate-limit presets at runtime', async () => {
    expect((await call('PUT', '/admin/rate-limits', { preset: 'unlimited' })).body).toEqual({ preset: 'unlimited' });
    const res = await fetch(`${base}/2/users/me`, { headers: { authorization: 'Bearer acme-token' } });
    expect(Number(res.headers.get('x-rate-limit-limit'))).toBeGreaterThan(1e6);
    expect((await call('PUT', '/admin/rate-limits', { preset: 'cheap' })).status).toBe(400);
  });

  it('sends DMs as typed in the X app, refusing what X refuses, and lists them newest first', async () => {
    await call('POST', '/admin/accounts', { username: 'cat', kind: 'customer' });
    const sent = await call('POST', '/admin/dms', { fromUsername: 'cat', toUsername: 'acme_support', text: 'hello there' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ senderUsername: 'cat', recipientUsername: 'acme_support', origin: 'admin', conversationId: expect.stringMatching(/^\d+-\d+$/) });
    const refused = await call('POST', '/admin/dms', { fromUsername: 'acme_support', toUsername: 'cat', text: 'hi' });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    await call('POST', '/admin/follows', { follower: 'cat', target: 'acme_support' });
    expect((await call('POST', '/admin/dms', { fromUsername: 'acme_support', toUsername: 'cat', text: 'hi' })).status).toBe(201);
    expect((await call('POST', '/admin/dms', { fromUsername: 'cat', toUsername: 'acme_support', text: '' })).status).toBe(400);
    expect((await call('POST', '/admin/dms', { toUsername: 'acme_support', text: 'who am i' })).status).toBe(400);
    const listed = (await call('GET', '/admin/dms?username=cat')).body['dms'] as { text: string }[];
    expect(listed.map((d) => d.text)).toEqual(['hi', 'hello there']);
    expect((await call('GET', '/admin/stats')).body).toMatchObject({ dmEventsCreated: 2, dmsByOrigin: { admin: 2 }, storedDmEvents: 2 });
  });

  it('has the generator send a share of DMs from customers to the brand instead of tweets', async () => {
    await call('POST', '/admin/generator', { rate: 2000, customers: 10, brand: 'acme_support', count: 40, seed: 'dms', dmShare: 1 });
    const status = await waitFor('the generator to stop', generatorStopped, 10_000);
    expect(status).toMatchObject({ running: false, produced: 40, dms: 40 });
    const stats = (await call('GET', '/admin/stats')).body;
    expect(stats).toMatchObject({ tweetsCreated: 0, dmsByOrigin: { generator: 40 } });
    const dms = (await call('GET', '/admin/dms?limit=40')).body['dms'] as { recipientUsername: string; text: string }[];
    expect(dms).toHaveLength(40);
    for (const dm of dms) {
      expect(dm.recipientUsername).toBe('acme_support');
      expect(dm.text).not.toMatch(/@acme_support/i);
    }
  });

  it('answers unknown paths with a 404 problem body', async () => {
    const res = await call('GET', '/2/nothing/here');
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
  });
});
