// Wire contract of the v2 Webhooks and Account Activity APIs: CRC, subscriptions and signed event
// deliveries to a local receiver, driven through twitter-api-v2 raw calls (the library has no helpers).

import {
  BRAND,
  refusal,
  startSimulatorWorld,
  startWebhookReceiver,
  type ReceivedDelivery,
  type SimulatorWorld,
  type WebhookReceiver,
} from './testing/simulator-world.fixtures';

interface WebhookWire {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}

describe('webhooks and Account Activity wire format (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    world = await startSimulatorWorld();
  });
  afterAll(() => world.stop());
  beforeEach(async () => {
    world.sim.reset();
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());

  const register = async (url = receiver.url): Promise<WebhookWire> =>
    (await world.app.v2.post<{ data: WebhookWire }>('webhooks', { url })).data;

  const subscribeBrand = async (webhookId: string): Promise<unknown> =>
    world.brandClient.v2.post(`account_activity/webhooks/${webhookId}/subscriptions/all`);

  /** Waits until the simulator has sent everything queued, then returns what the receiver got. */
  const settled = async (): Promise<ReceivedDelivery[]> => {
    await world.sim.webhookDeliveriesSettled();
    return receiver.deliveries;
  };

  it('registers a webhook after a correct CRC and lists it', async () => {
    const webhook = await register();
    expect(webhook).toEqual({ id: expect.stringMatching(/^\d+$/), url: receiver.url, valid: true, created_at: expect.any(String) });
    expect(receiver.crcTokens).toHaveLength(1);
    expect(receiver.crcTokens[0]).toMatch(/^\S{16,}$/);
    expect(await world.app.v2.get('webhooks')).toEqual({ data: [webhook], meta: { result_count: 1 } });
  });

  it('refuses a webhook whose CRC answer is wrong or not 200, and keeps nothing', async () => {
    receiver.crc = 'wrong';
    const wrong = await refusal(register());
    expect(wrong.code).toBe(400);
    expect(wrong.data).toMatchObject({
      title: 'Invalid Request',
      type: 'https://api.twitter.com/2/problems/invalid-request',
      errors: [{ message: 'CrcValidationFailed: Invalid response_token', parameters: { url: [receiver.url] } }],
    });
    receiver.crc = 503;
    const down = await refusal(register());
    expect(down.data).toMatchObject({ errors: [{ message: expect.stringMatching(/^CrcValidationFailed: /) }] });
    expect(await world.app.v2.get('webhooks')).toEqual({ data: [], meta: { result_count: 0 } });
    expect(world.sim.stats().webhookDeliveries).toMatchObject({ crcChecks: 2, crcFailures: 2 });
  });

  it('refuses a duplicate URL, a webhook over the app limit, user tokens, and bad URLs', async () => {
    await register();
    expect((await refusal(register())).data).toMatchObject({ errors: [{ message: expect.stringMatching(/^DuplicateUrlFailed: /) }] });
    const other = await startWebhookReceiver();
    try {
      expect((await refusal(register(other.url))).data).toMatchObject({ errors: [{ message: expect.stringMatching(/^WebhookLimitExceeded: /) }] });
    } finally {
      await other.close();
    }
    expect((await refusal(world.brandClient.v2.post('webhooks', { url: receiver.url }))).code).toBe(403);
    expect((await refusal(register('not a url'))).data).toMatchObject({ errors: [{ message: expect.stringMatching(/^UrlValidationFailed: /) }] });
  });

  it('requires https without a port when the insecure-URL quirk is off, as X does', async () => {
    const strict = await startSimulatorWorld({ quirks: { allowInsecureWebhookUrls: false } });
    try {
      const error = await refusal(strict.app.v2.post('webhooks', { url: receiver.url }));
      expect(error.data).toMatchObject({ errors: [{ message: 'UrlValidationFailed: the url must use https' }] });
      const ported = await refusal(strict.app.v2.post('webhooks', { url: 'https://hooks.example.com:8443/x' }));
      expect(ported.data).toMatchObject({ errors: [{ message: 'UrlValidationFailed: the url must not include a port' }] });
      expect(receiver.crcTokens).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('subscribes the brand with its user token, reports the subscription, and unsubscribes with the app token', async () => {
    const { id } = await register();
    const cat = world.customer('cat');
    expect(await subscribeBrand(id)).toEqual({ data: { subscribed: true } });
    expect(await world.brandClient.v2.get(`account_activity/webhooks/${id}/subscriptions/all`)).toEqual({ data: { subscribed: true } });
    expect(await world.clientFor(cat.token).v2.get(`account_activity/webhooks/${id}/subscriptions/all`)).toEqual({ data: { subscribed: false } });
    expect((await refusal(subscribeBrand(id))).data).toMatchObject({ errors: [{ message: expect.stringMatching(/^DuplicateSubscriptionFailed: /) }] });
    // One subscribed account per app on X's self-serve tier (maxWebhookSubscriptions).
    const limited = await refusal(world.clientFor(cat.token).v2.post(`account_activity/webhooks/${id}/subscriptions/all`));
    expect(limited.data).toMatchObject({ errors: [{ message: expect.stringMatching(/^SubscriptionLimitExceeded: /) }] });
    expect(await world.app.v2.get(`account_activity/webhooks/${id}/subscriptions/all/list`)).toEqual({
      data: { application_id: expect.any(String), webhook_id: id, webhook_url: receiver.url, subscriptions: [{ user_id: world.brand.id }] },
    });
    expect(await world.app.v2.delete(`account_activity/webhooks/${id}/subscriptions/${world.brand.id}/all`)).toEqual({ data: { subscribed: false } });
    expect((await refusal(world.app.v2.delete(`account_activity/webhooks/${id}/subscriptions/${world.brand.id}/all`))).data).toMatchObject({
      errors: [{ message: expect.stringMatching(/^SubscriptionNotFound: /) }],
    });
    expect((await refusal(world.brandClient.v2.post('account_activity/webhooks/42/subscriptions/all'))).data).toMatchObject({
      errors: [{ message: expect.stringMatching(/^WebhookIdInvalid: /) }],
    });
  });

  it('delivers signed mentions, DMs both ways (our own echo included) and follows for the subscribed brand, in order', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    const cat = world.customer('cat');
    const mention = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support my order #123 is late' });
    const inbound = world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: BRAND, text: 'Order 123, paid last week' });
    world.sim.followAccount('cat', BRAND);
    const sent = (await world.brandClient.v2.sendDmToParticipant(cat.id, { text: 'Thanks, refund is on its way' })) as unknown as {
      data: { dm_event_id: string };
    };

    const deliveries = await settled();
    expect(deliveries.map((d) => d.signatureValid)).toEqual([true, true, true, true]);
    expect(deliveries[0].headers['content-type']).toMatch(/^application\/json/);
    const [tweetEvent, dmIn, follow, dmOut] = deliveries.map((d) => d.body);

    expect(tweetEvent).toEqual({
      for_user_id: world.brand.id,
      user_has_blocked: 'false',
      tweet_create_events: [
        expect.objectContaining({
          id_str: mention.id,
          text: '@acme_support my order #123 is late',
          created_at: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/),
          timestamp_ms: expect.stringMatching(/^\d{13}$/),
          in_reply_to_status_id_str: null,
          is_quote_status: false,
          user: expect.objectContaining({ id_str: cat.id, screen_name: 'cat', followers_count: 0, friends_count: 0, statuses_count: 1 }),
          entities: expect.objectContaining({ user_mentions: [expect.objectContaining({ id_str: world.brand.id, screen_name: BRAND, indices: [0, 13] })] }),
        }),
      ],
    });
    expect(dmIn).toEqual({
      for_user_id: world.brand.id,
      direct_message_events: [
        {
          type: 'message_create',
          id: inbound.id,
          created_timestamp: expect.stringMatching(/^\d{13}$/),
          message_create: {
            target: { recipient_id: world.brand.id },
            sender_id: cat.id,
            message_data: { text: 'Order 123, paid last week', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
          },
        },
      ],
      users: {
        [cat.id]: expect.objectContaining({ id: cat.id, screen_name: 'cat', name: 'cat', protected: false, verified: false, created_timestamp: expect.stringMatching(/^\d+$/) }),
        [world.brand.id]: expect.objectContaining({ id: world.brand.id, screen_name: BRAND, followers_count: 125_000, profile_image_url_https: expect.stringMatching(/^https:/) }),
      },
    });
    expect(follow).toEqual({
      for_user_id: world.brand.id,
      follow_events: [
        {
          type: 'follow',
          created_timestamp: expect.stringMatching(/^\d{13}$/),
          source: expect.objectContaining({ id_str: cat.id, screen_name: 'cat' }),
          target: expect.objectContaining({ id_str: world.brand.id, screen_name: BRAND, followers_count: 125_001 }),
        },
      ],
    });
    // Our own outgoing DM comes back with sender_id == for_user_id, naming the sending app.
    expect(dmOut).toMatchObject({
      for_user_id: world.brand.id,
      direct_message_events: [
        { id: sent.data.dm_event_id, message_create: { sender_id: world.brand.id, target: { recipient_id: cat.id }, source_app_id: expect.any(String) } },
      ],
      apps: expect.any(Object),
    });
    expect(world.sim.stats().webhookDeliveries).toMatchObject({ queued: 4, attempted: 4, succeeded: 4, failed: 0, pending: 0 });
  });

  it('echoes the brand\'s own replies and delivers unfollows of it, but nothing between other accounts', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat', { followsBrand: true, receivesYourDm: true });
    world.customer('dog');
    world.sim.createTweet({ authorUsername: 'dog', text: 'just a day out' });
    const unrelated = world.sim.sendDirectMessage({ fromUsername: 'dog', toUsername: 'cat', text: 'not for the brand' });
    world.sim.followAccount('dog', 'cat');
    const root = world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support hello' });
    const reply = await world.brandClient.v2.reply('Hi Cat!', root.id);
    world.sim.unfollowAccount('cat', BRAND);
    const bodies = (await settled()).map((d) => d.body);
    expect(bodies.map((b) => Object.keys(b).find((k) => k.endsWith('_events')))).toEqual(['tweet_create_events', 'tweet_create_events', 'follow_events']);
    expect(bodies[1]).toEqual({
      for_user_id: world.brand.id,
      tweet_create_events: [
        expect.objectContaining({
          id_str: reply.data.id,
          text: '@cat Hi Cat!',
          in_reply_to_status_id_str: root.id,
          in_reply_to_screen_name: 'cat',
          user: expect.objectContaining({ id_str: world.brand.id }),
        }),
      ],
    });
    expect(bodies[2]).toMatchObject({ follow_events: [{ type: 'unfollow', source: { screen_name: 'cat' }, target: { screen_name: BRAND } }] });
    // Matched by content, not by the DM's id: X's numeric `id` fields are float-rounded snowflakes,
    // so a neighbouring tweet's `id` can spell the DM's id (CI stop 31 saw ...600 for ...601).
    const wire = JSON.stringify(bodies);
    expect(wire).not.toContain('direct_message_events');
    expect(wire).not.toContain(`"id":"${unrelated.id}"`);
    for (const unrelatedText of ['not for the brand', 'just a day out']) expect(wire).not.toContain(unrelatedText);
    expect(wire).not.toContain('"screen_name":"dog"');
  });

  it('re-runs the CRC on PUT: a failing receiver turns invalid and gets nothing until it passes again', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    receiver.crc = 'wrong';
    const failed = await refusal(world.app.v2.put(`webhooks/${id}`));
    expect(failed.data).toMatchObject({ errors: [{ message: expect.stringMatching(/^CrcValidationFailed: /) }] });
    expect(await world.app.v2.get('webhooks')).toMatchObject({ data: [{ id, valid: false }] });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support anyone there?' });
    expect(await settled()).toEqual([]);

    receiver.crc = 'correct';
    expect(await world.app.v2.put(`webhooks/${id}`)).toEqual({ data: { valid: true } });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support hello again' });
    expect((await settled()).map((d) => (d.body['tweet_create_events'] as { text: string }[])[0].text)).toEqual(['@acme_support hello again']);
  });

  it('marks webhooks invalid on the hourly CRC, triggered through the admin API', async () => {
    const { id } = await register();
    receiver.crc = 500;
    const res = await fetch(`${world.baseUrl}/admin/webhooks/crc`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ webhooks: [{ id, valid: false, lastCrc: { ok: false, error: 'the webhook answered 500' } }] });
    expect(receiver.crcTokens).toHaveLength(2);
  });

  it('deletes a webhook, after which nothing is delivered and its subscriptions are gone', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    expect(await world.app.v2.delete(`webhooks/${id}`)).toEqual({ data: { deleted: true } });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support hi' });
    expect(await settled()).toEqual([]);
    expect((await refusal(world.app.v2.delete(`webhooks/${id}`))).data).toMatchObject({ errors: [{ message: expect.stringMatching(/^WebhookIdInvalid: /) }] });
    expect(world.sim.stats()).toMatchObject({ webhooks: 0, webhookSubscriptions: 0 });
  });

  it('counts failed deliveries without retrying them, as X does', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    receiver.deliveryStatus = 500;
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support one' });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support two' });
    expect(await settled()).toHaveLength(2);
    expect(world.sim.stats().webhookDeliveries).toMatchObject({ attempted: 2, succeeded: 0, failed: 2, pending: 0 });
    expect(world.sim.webhooks()[0].recent[0]).toMatchObject({ outcome: 'failed', status: 500, events: 'tweet_create_events', forUserId: world.brand.id });
  });

  it('injects delivery faults through the admin API: bad signatures and drops, then clears them', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    const admin = (method: string, body?: unknown) =>
      fetch(`${world.baseUrl}/admin/faults/webhooks`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await admin('POST', { dropRate: 2 })).status).toBe(400);
    expect(await (await admin('POST', { corruptSignature: true })).json()).toEqual({ faults: { dropRate: 0, latencyMs: 0, corruptSignature: true } });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support signed?' });
    expect((await settled()).map((d) => d.signatureValid)).toEqual([false]);

    await admin('POST', { corruptSignature: false, dropRate: 1 });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support dropped' });
    expect(await settled()).toHaveLength(1);
    expect(world.sim.stats().webhookDeliveries).toMatchObject({ dropped: 1, attempted: 1 });

    await admin('DELETE');
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support back to normal' });
    expect((await settled()).map((d) => d.signatureValid)).toEqual([false, true]);
  });

  it('keeps a webhook\'s deliveries in order while latency is injected', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    world.sim.injectWebhookFaults({ latencyMs: 15 });
    for (const n of [1, 2, 3]) world.sim.createTweet({ authorUsername: 'cat', text: `@acme_support part ${n}` });
    expect(world.sim.stats().webhookDeliveries.pending).toBe(3);
    const texts = (await settled()).map((d) => (d.body['tweet_create_events'] as { text: string }[])[0].text);
    expect(texts).toEqual(['@acme_support part 1', '@acme_support part 2', '@acme_support part 3']);
  });

  it('forgets webhooks, subscriptions, faults and delivery counts on reset', async () => {
    const { id } = await register();
    await subscribeBrand(id);
    world.customer('cat');
    // A delivery parked behind a minute of latency must not outlive the reset (jest would hang on it).
    world.sim.injectWebhookFaults({ latencyMs: 60_000 });
    world.sim.createTweet({ authorUsername: 'cat', text: '@acme_support slow news' });
    expect(world.sim.stats().webhookDeliveries.pending).toBe(1);
    world.sim.reset();
    await world.sim.webhookDeliveriesSettled();
    expect(receiver.deliveries).toEqual([]);
    expect(await world.app.v2.get('webhooks')).toEqual({ data: [], meta: { result_count: 0 } });
    expect(world.sim.stats()).toMatchObject({ webhooks: 0, webhookSubscriptions: 0, webhookDeliveries: { queued: 0, crcChecks: 0 } });
    const res = await fetch(`${world.baseUrl}/admin/webhooks`);
    expect(await res.json()).toEqual({ webhooks: [], deliveries: expect.objectContaining({ pending: 0 }), faults: { dropRate: 0, latencyMs: 0, corruptSignature: false } });
  });
});
