import { PermanentError } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { FilteredStreamSource } from './filtered-stream-source.adapter';
import type { StreamedTweet, StreamEvent } from './filtered-stream.types';
import { APP_TOKEN, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

// Milliseconds instead of X's seconds, same policy.
const FAST_POLICY = {
  networkStepMs: 20,
  networkMaxMs: 200,
  httpBaseMs: 40,
  httpMaxMs: 400,
  rateLimitBaseMs: 60,
  rateLimitMaxMs: 600,
  healthyAfterMs: 0,
};

describe('FilteredStreamSource against the simulator', () => {
  let world: SimulatorWorld;
  let source: FilteredStreamSource;
  let tweets: StreamedTweet[];
  let events: StreamEvent[];

  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${world.baseUrl}/admin/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };
  const eventsOf = <T extends StreamEvent['type']>(type: T) => events.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);
  const customerTweet = (text: string) => world.sim.createTweet({ authorUsername: 'cat', text });

  function makeSource(options: Partial<ConstructorParameters<typeof FilteredStreamSource>[0]> = {}): FilteredStreamSource {
    source = new FilteredStreamSource({
      bearerToken: APP_TOKEN,
      apiBaseUrl: world.baseUrl,
      stallTimeoutMs: 5_000,
      reconnect: FAST_POLICY,
      ...options,
    });
    return source;
  }

  async function startSource(options: Partial<ConstructorParameters<typeof FilteredStreamSource>[0]> = {}): Promise<void> {
    await makeSource(options).start(
      (tweet) => void tweets.push(tweet),
      (event) => void events.push(event),
    );
  }

  beforeAll(async () => {
    world = await startSimulatorWorld({ keepAliveMs: 50 });
  });
  afterAll(() => world.stop());
  beforeEach(async () => {
    world.sim.reset();
    world.customer('cat');
    tweets = [];
    events = [];
  });
  afterEach(() => source?.stop());

  it('ensureRules adds the missing rules and leaves existing ones (ours or not) in place', async () => {
    makeSource();
    await world.app.v2.updateStreamRules({ add: [{ value: 'someone else', tag: 'other' }] });
    const first = await source.ensureRules([{ value: '@acme_support -is:retweet', tag: 'support' }, { value: 'someone else' }]);
    expect(first.added).toEqual([expect.objectContaining({ value: '@acme_support -is:retweet', tag: 'support' })]);
    expect(first.rules.map((r) => r.value).sort()).toEqual(['@acme_support -is:retweet', 'someone else']);
    const again = await source.ensureRules([{ value: '@acme_support -is:retweet', tag: 'support' }]);
    expect(again.added).toEqual([]);
    expect(again.rules).toHaveLength(2);
  });

  it('ensureRules surfaces an invalid rule as a PermanentError', async () => {
    await expect(makeSource().ensureRules([{ value: 'lang:en' }])).rejects.toBeInstanceOf(PermanentError);
  });

  it('hands each matching tweet to onTweet with includes.users and matching_rules', async () => {
    await makeSource().ensureRules([{ value: '@acme_support', tag: 'support' }]);
    await source.start(
      (tweet) => void tweets.push(tweet),
      (event) => void events.push(event),
    );
    expect(source.counters).toMatchObject({ connected: true, connects: 1 });
    const posted = customerTweet('@acme_support the app keeps crashing');
    const [tweet] = await waitFor('a tweet', () => tweets.length > 0 && tweets);
    expect(tweet).toMatchObject({
      data: { id: posted.id, author_id: posted.authorId, conversation_id: posted.id },
      includes: { users: expect.arrayContaining([expect.objectContaining({ username: 'cat', public_metrics: expect.any(Object) })]) },
      matching_rules: [{ id: expect.any(String), tag: 'support' }],
    });
    await waitFor('a keep-alive', () => source.counters.keepAlives > 0);
    expect(source.counters.tweets).toBe(1);
  });

  it('reconnects immediately after X disconnects a healthy stream, reporting the in-stream notice', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await startSource();
    customerTweet('@acme_support before');
    await waitFor('the first tweet', () => tweets.length === 1);
    await admin('faults/stream-drop', { disconnectType: 'OperationalDisconnect' });
    await waitFor('the reconnect', () => source.counters.reconnects === 1 && source.counters.connected);
    expect(eventsOf('stream-error')[0]?.errors).toEqual([expect.objectContaining({ disconnect_type: 'OperationalDisconnect' })]);
    expect(eventsOf('reconnect-scheduled')[0]).toMatchObject({ delayMs: 0, kind: 'immediate' });
    customerTweet('@acme_support after');
    await waitFor('the tweet after reconnecting', () => tweets.length === 2);
    expect(source.counters).toMatchObject({ drops: 1, streamErrors: 1, connects: 2 });
  });

  it('reconnects after a hard TCP drop', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await startSource();
    await waitFor('traffic', () => source.counters.keepAlives > 0);
    await admin('faults/stream-drop', { hard: true });
    await waitFor('the reconnect', () => source.counters.reconnects === 1 && source.counters.connected);
    customerTweet('@acme_support still there?');
    await waitFor('a tweet after the drop', () => tweets.length === 1);
  });

  it('detects a stalled stream (no data, no keep-alive) and reconnects', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await startSource({ stallTimeoutMs: 300 });
    await waitFor('traffic', () => source.counters.keepAlives > 0);
    await admin('faults/stream-stall', { ms: 5_000 });
    await waitFor('stall detection', () => source.counters.stalls === 1, 3_000);
    await waitFor('the reconnect', () => source.counters.reconnects === 1 && source.counters.connected);
    expect(eventsOf('disconnected')[0]).toEqual({ type: 'disconnected', reason: 'stalled' });
    customerTweet('@acme_support hello again');
    await waitFor('a tweet on the new connection', () => tweets.length === 1);
  });

  it('reports malformed lines and keeps reading', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await startSource();
    await admin('faults/stream-raw', { line: '{"data": {"id": "1", "text": ' });
    await admin('faults/stream-raw', { line: '{"hello":"world"}' });
    await waitFor('both bad lines', () => source.counters.malformedLines === 1 && source.counters.unexpectedMessages === 1);
    expect(eventsOf('malformed-line')).toHaveLength(1);
    expect(eventsOf('unexpected-message')[0]?.payload).toEqual({ hello: 'world' });
    customerTweet('@acme_support still working?');
    await waitFor('the next tweet', () => tweets.length === 1);
    expect(source.counters.drops).toBe(0);
  });

  it('backs off exponentially on HTTP errors, then connects', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await admin('faults/stream-refuse', { count: 2, status: 503 });
    await startSource();
    await waitFor('the eventual connection', () => source.counters.connected);
    expect(eventsOf('connect-failed').map((e) => [e.kind, e.status])).toEqual([
      ['http', 503],
      ['http', 503],
    ]);
    expect(eventsOf('reconnect-scheduled').map((e) => e.delayMs)).toEqual([40, 80]);
    expect(source.counters).toMatchObject({ connectFailures: 2, connects: 1 });
  });

  it('treats 429 as a rate-limit failure with its own, longer backoff', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await admin('faults/stream-refuse', { count: 1, status: 429 });
    await startSource();
    await waitFor('the connection', () => source.counters.connected);
    expect(eventsOf('reconnect-scheduled')[0]).toMatchObject({ kind: 'rate-limit', delayMs: 60 });
  });

  it('retries while the stream has no rules (409) and connects once a rule exists', async () => {
    await startSource();
    expect(eventsOf('connect-failed')[0]).toMatchObject({ kind: 'http', status: 409 });
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await waitFor('the connection after adding a rule', () => source.counters.connected);
  });

  it('counts handler failures without stopping the stream', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    makeSource();
    let calls = 0;
    await source.start(
      () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.reject(new Error('async boom'));
      },
      (event) => void events.push(event),
    );
    customerTweet('@acme_support one');
    customerTweet('@acme_support two');
    await waitFor('two handler errors', () => source.counters.handlerErrors === 2);
    expect(eventsOf('handler-error').map((e) => (e.error as Error).message)).toEqual(['boom', 'async boom']);
    expect(source.counters.connected).toBe(true);
  });

  it('stops reading the stream while maxPendingTweets handlers are unsettled, and reads the rest once they settle', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    makeSource({ maxPendingTweets: 20 });
    let release: () => void = () => undefined;
    const publishesBack = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handed = 0;
    await source.start(
      async (tweet) => {
        handed++;
        await publishesBack;
        tweets.push(tweet);
      },
      (event) => void events.push(event),
    );
    for (let i = 0; i < 300; i++) customerTweet(`@acme_support burst ${i}`);

    await waitFor('the stream to pause', () => source.counters.backPressurePauses === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What the last chunk already held still arrives; the rest waits in the socket and at X.
    const handedWhilePaused = handed;
    expect(handedWhilePaused).toBeLessThan(150);
    expect(source.counters.pendingTweets).toBe(handedWhilePaused);

    release();
    await waitFor('every tweet of the burst', () => tweets.length === 300);
    expect(source.counters.pendingTweets).toBe(0);
    // Paused and resumed in turn (the burst may pause it again while it drains), and reading at the end.
    const turns = eventsOf('back-pressure').map((e) => e.paused);
    expect(turns.length % 2).toBe(0);
    expect(turns.every((paused, index) => paused === (index % 2 === 0))).toBe(true);
    expect(source.counters.connected).toBe(true);
  });

  it('stops reconnecting after stop()', async () => {
    await world.app.v2.updateStreamRules({ add: [{ value: '@acme_support' }] });
    await startSource();
    await source.stop();
    expect(source.counters.connected).toBe(false);
    await waitFor('the server to see the close', () => world.sim.stats().streamConnectionsOpen === 0);
    // A new source can take the single connection slot right away.
    const other = new FilteredStreamSource({ bearerToken: APP_TOKEN, apiBaseUrl: world.baseUrl, reconnect: FAST_POLICY });
    await other.start(() => undefined);
    expect(other.counters.connected).toBe(true);
    await other.stop();
  });
});
