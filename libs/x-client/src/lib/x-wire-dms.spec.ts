// Wire contract of direct messages (send, refuse, look up, page, rate-limit), through twitter-api-v2.
import { DM_NOT_ALLOWED_DETAIL } from '@perch/x-simulator';

import { APP_TOKEN, refusal, startSimulatorWorld, type SimulatorWorld } from './testing/simulator-world.fixtures';

/** sendDmToParticipant is typed as the bare result, but the body really is `{data: …}` (reference §1.4). */
interface SentDm {
  data: { dm_conversation_id: string; dm_event_id: string };
}

describe('direct messages wire format (twitter-api-v2 against the simulator)', () => {
  let world: SimulatorWorld;

  beforeAll(async () => {
    world = await startSimulatorWorld();
  });
  afterAll(() => world.stop());
  beforeEach(() => world.sim.reset());

  const send = async (token: string, to: string, text: string): Promise<SentDm> =>
    (await world.clientFor(token).v2.sendDmToParticipant(to, { text })) as unknown as SentDm;

  it('sends a customer DM to the brand: 201 with a {smaller}-{larger} conversation id and a snowflake event id', async () => {
    const cat = world.customer('cat');
    const res = await world.clientFor(cat.token).v2.post<SentDm>(
      `dm_conversations/with/${world.brand.id}/messages`,
      { text: 'My order #123 never arrived' },
      { fullResponse: true },
    );
    expect(res.data).toEqual({ data: { dm_conversation_id: `${world.brand.id}-${cat.id}`, dm_event_id: expect.stringMatching(/^\d{19}$/) } });
    expect(res.rateLimit).toMatchObject({ limit: 15, remaining: 14, userDay: { limit: 1_440, remaining: 1_439 } });
    expect(world.sim.directMessages()).toEqual([
      expect.objectContaining({ id: res.data.data.dm_event_id, senderUsername: 'cat', recipientUsername: 'acme_support', origin: 'api' }),
    ]);
  });

  it('refuses a brand DM to a customer with closed DMs who does not follow the brand (403), consistent with receives_your_dm', async () => {
    const cat = world.customer('cat');
    const lookup = await world.brandClient.v2.user(cat.id, { 'user.fields': ['receives_your_dm'] });
    expect(lookup.data.receives_your_dm).toBe(false);
    const error = await refusal(send(world.brand.token, cat.id, 'Can you DM us your order number?'));
    expect(error.code).toBe(403);
    expect(error.data).toEqual({ title: 'Forbidden', type: 'about:blank', status: 403, detail: DM_NOT_ALLOWED_DETAIL });
    expect(error.headers['content-type']).toBe('application/problem+json');
    expect(world.sim.directMessages()).toEqual([]);
  });

  it('lets the brand write once the customer follows it, and to customers with open DMs', async () => {
    const cat = world.customer('cat');
    world.sim.followAccount('cat', 'acme_support');
    expect((await world.brandClient.v2.user(cat.id, { 'user.fields': ['receives_your_dm'] })).data.receives_your_dm).toBe(true);
    expect((await send(world.brand.token, cat.id, 'Hi Cat, we are on it.')).data.dm_conversation_id).toBe(`${world.brand.id}-${cat.id}`);
    const open = world.customer('open_dog', { receivesYourDm: true });
    expect((await send(world.brand.token, open.id, 'Hello!')).data.dm_event_id).toMatch(/^\d+$/);
  });

  it('answers bad bodies with 400 invalid-request naming text, and unknown participants with a not-found problem', async () => {
    const cat = world.customer('cat');
    const empty = await refusal(send(cat.token, world.brand.id, ''));
    expect(empty.code).toBe(400);
    expect(empty.data).toMatchObject({ title: 'Invalid Request', errors: [{ parameters: { text: [''] }, message: expect.stringContaining('$.text') }] });
    const tooLong = await refusal(send(cat.token, world.brand.id, 'a'.repeat(10_001)));
    expect(tooLong.data).toMatchObject({ errors: [{ parameters: { text: [expect.any(String)] } }] });
    const missing = await refusal(world.clientFor(cat.token).v2.post(`dm_conversations/with/${world.brand.id}/messages`, {}));
    expect(missing.data).toMatchObject({ errors: [{ message: '$.text: is missing but it is required' }] });
    const nobody = await refusal(send(cat.token, '1234567890', 'hello?'));
    expect(nobody.code).toBe(404);
    expect(nobody.data).toMatchObject({
      title: 'Not Found Error',
      resource_type: 'user',
      parameter: 'participant_id',
      value: '1234567890',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    });
  });

  it('refuses app-only tokens on DM endpoints with X\'s Unsupported Authentication', async () => {
    const error = await refusal(world.clientFor(APP_TOKEN).v2.listDmEvents());
    expect(error.code).toBe(403);
    expect(error.data).toMatchObject({ title: 'Unsupported Authentication' });
  });

  it('lists the caller\'s DM events newest first, with the default fields id, event_type and text', async () => {
    const cat = world.customer('cat');
    const dog = world.customer('dog');
    const first = world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: 'acme_support', text: 'first' });
    world.sim.sendDirectMessage({ fromUsername: 'dog', toUsername: 'acme_support', text: 'from dog' });
    const third = world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: 'acme_support', text: 'third' });
    const brandView = await world.brandClient.v2.listDmEvents();
    expect(brandView.events.map((e) => e.id)).toHaveLength(3);
    expect(brandView.events[0]).toEqual({ id: third.id, event_type: 'MessageCreate', text: 'third' });
    expect(brandView.meta).toEqual({ result_count: 3 });
    const catView = await world.clientFor(cat.token).v2.listDmEvents();
    expect(catView.events.map((e) => e.id)).toEqual([third.id, first.id]);
    const dogView = await world.clientFor(dog.token).v2.listDmEvents({ event_types: 'ParticipantsJoin' });
    expect(dogView.events).toEqual([]);
    expect(dogView.meta).toEqual({ result_count: 0 });
  });

  it('renders requested dm_event.fields and expands sender_id into includes.users relative to the caller', async () => {
    const cat = world.customer('cat', { followsBrand: true, followersCount: 12 });
    const dm = world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: 'acme_support', text: 'hello @acme_support' });
    const res = await world.brandClient.v2.listDmEvents({
      'dm_event.fields': ['id', 'event_type', 'text', 'sender_id', 'dm_conversation_id', 'created_at', 'participant_ids'],
      expansions: ['sender_id'],
      'user.fields': ['public_metrics', 'connection_status', 'receives_your_dm'],
    });
    expect(res.events[0]).toEqual({
      id: dm.id,
      event_type: 'MessageCreate',
      text: 'hello @acme_support',
      sender_id: cat.id,
      dm_conversation_id: dm.conversationId,
      created_at: dm.createdAt,
      participant_ids: [world.brand.id, cat.id],
    });
    expect(res.includes.users).toEqual([
      {
        id: cat.id,
        name: 'cat',
        username: 'cat',
        public_metrics: { followers_count: 12, following_count: 1, tweet_count: 0, listed_count: 0, like_count: 0 },
        connection_status: ['followed_by'],
        receives_your_dm: true,
      },
    ]);
    await expect(world.brandClient.v2.listDmEvents({ 'dm_event.fields': 'mood' })).rejects.toMatchObject({ code: 400 });
  });

  it('lists one conversation by participant and by conversation id, and refuses outsiders', async () => {
    const cat = world.customer('cat');
    const dog = world.customer('dog');
    const toCat = world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: 'acme_support', text: 'cat here' });
    world.sim.sendDirectMessage({ fromUsername: 'dog', toUsername: 'acme_support', text: 'dog here' });
    const withCat = await world.brandClient.v2.listDmEventsWithParticipant(cat.id);
    expect(withCat.events.map((e) => ('text' in e ? e.text : undefined))).toEqual(['cat here']);
    const byId = await world.clientFor(cat.token).v2.listDmEventsOfConversation(toCat.conversationId, { 'dm_event.fields': ['sender_id'] });
    expect(byId.events).toEqual([{ id: toCat.id, event_type: 'MessageCreate', text: 'cat here', sender_id: cat.id }]);
    const outsider = await refusal(world.clientFor(dog.token).v2.listDmEventsOfConversation(toCat.conversationId));
    expect(outsider.code).toBe(403);
  });

  it('pages with next_token to older events and previous_token back to newer ones', async () => {
    world.customer('cat');
    const sent = ['m1', 'm2', 'm3', 'm4', 'm5'].map((text) => world.sim.sendDirectMessage({ fromUsername: 'cat', toUsername: 'acme_support', text }));
    const page1 = await world.brandClient.v2.get<{ data: { text: string }[]; meta: Record<string, unknown> }>('dm_events', { max_results: 2 });
    expect(page1.data.map((e) => e.text)).toEqual(['m5', 'm4']);
    expect(page1.meta).toEqual({ result_count: 2, next_token: expect.any(String) });
    const page2 = await world.brandClient.v2.get<{ data: { text: string }[]; meta: Record<string, string> }>('dm_events', {
      max_results: 2,
      pagination_token: page1.meta['next_token'] as string,
    });
    expect(page2.data.map((e) => e.text)).toEqual(['m3', 'm2']);
    expect(page2.meta).toEqual({ result_count: 2, next_token: expect.any(String), previous_token: expect.any(String) });
    const back = await world.brandClient.v2.get<{ data: { text: string }[] }>('dm_events', { max_results: 2, pagination_token: page2.meta['previous_token'] });
    expect(back.data.map((e) => e.text)).toEqual(['m5', 'm4']);
    // The library's paginator follows next_token to the end.
    const paginator = await world.brandClient.v2.listDmEvents({ max_results: 2 });
    await paginator.fetchLast(10);
    expect(paginator.events.map((e) => e.id)).toEqual(sent.map((e) => e.id).reverse());
    expect(paginator.done).toBe(true);
  });

  it('answers the 16th send in a 15-minute window with 429, remaining 0 and the reset time', async () => {
    const cat = world.customer('cat');
    for (let i = 0; i < 15; i++) await send(cat.token, world.brand.id, `message ${i}`);
    const error = await refusal(send(cat.token, world.brand.id, 'one more'));
    expect(error.code).toBe(429);
    expect(error.rateLimitError).toBe(true);
    expect(error.data).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    expect(error.rateLimit).toMatchObject({ limit: 15, remaining: 0, userDay: { limit: 1_440, remaining: 1_425 } });
    expect((error.rateLimit?.reset ?? 0) * 1000).toBeGreaterThan(Date.now());
    expect(world.sim.directMessages('cat')).toHaveLength(15);
    // The window is per user: the brand can still write.
    world.sim.followAccount('cat', 'acme_support');
    expect((await send(world.brand.token, cat.id, 'sorry for the wait')).data.dm_event_id).toMatch(/^\d+$/);
  });
});
