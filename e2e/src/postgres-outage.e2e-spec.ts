import { randomUUID } from 'node:crypto';

import { ALL_TOPICS, type DeadLetterRecord, deadLetterTopicOf } from '@perch/contracts';
import { EventTap, freePort, type PerchCluster, serviceEnv, startPerchCluster, TcpProxy, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { AgentDesk } from './support/agent-desk';
import { within } from './support/within.util';

// The gateway loses PostgreSQL for a minute in the middle of traffic (issue 8: "a short PostgreSQL failover
// dead-letters accepts, completions and projections"). The gateway reaches the shared PostgreSQL through this
// test's TCP proxy, which is shut for the outage: open connections dropped, new ones refused. Completions and
// replies already on their way, and new customer tweets, reach the gateway's projector meanwhile; it must wait
// the outage out, never dead-letter. Checked against the simulator's own record and the interaction views.

/** How long PostgreSQL stays unreachable; PERCH_FAULT_OUTAGE_MS shortens it for a quick local run. */
const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);

describe('PostgreSQL unreachable for a minute', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const namespace = `e2e-pg-outage-${Date.now()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] }, rateLimits: 'generous' });
  const deadLetters: DeadLetterRecord[] = [];
  let proxy: TcpProxy | undefined;
  let cluster: PerchCluster | undefined;
  let tap: EventTap | undefined;
  let desk: AgentDesk | undefined;

  beforeAll(async () => {
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    const target = new URL(databaseUrl);
    proxy = new TcpProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl,
      databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: [{ id: 'alice', password: 'alice-pw', capacity: 12, brands: [brand] }],
      env: { gateway: { DATABASE_URL: proxy.rewrite(databaseUrl) }, ingestor: { INGESTOR_MENTIONS_POLL_MS: '1000' } },
    });
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-pg-outage' });
    await tap.transport.consume(
      { groupId: 'e2e-pg-outage-dlq', topics: ALL_TOPICS.map((t) => deadLetterTopicOf(t)), fromBeginning: true },
      async (messages) => {
        for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
      },
    );
    desk = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    await desk.ready();
  }, 120_000);

  afterAll(async () => {
    await proxy?.open();
    await desk?.close();
    await tap?.close();
    await cluster?.stop();
    await simulator.stop();
    await proxy?.shut();
  }, 120_000);

  function customerTweet(text: string): string {
    const customer = `cust_${randomUUID().slice(0, 8)}`;
    simulator.createAccount({ username: customer, kind: 'customer' });
    return simulator.createTweet({ authorUsername: customer, text: `@${brand} ${text}` }).id;
  }

  const repliesTo = (tweetId: string) => simulator.tweetsOf(brand, 10_000).filter((t) => t.inReplyToTweetId === tweetId);

  async function serve(tweetId: string): Promise<string> {
    if (!desk) throw new Error('no desk');
    const interactionId = await desk.accept(tweetId);
    await desk.reply(interactionId, `Sorry about that, we are on it (${tweetId}).`);
    return interactionId;
  }

  async function done(interactionId: string): Promise<void> {
    const answer = await desk?.api('POST', `/api/interactions/${interactionId}/done`, { disposition: 'resolved', note: 'handled across the outage' });
    if (answer?.status !== 202) throw new Error(`done: ${answer?.status} ${JSON.stringify(answer?.body)}`);
  }

  function describeDeadLetters(): string {
    return deadLetters.length === 0 ? 'none' : deadLetters.map((d) => `${d.sourceTopic} [${d.consumerGroup}] ${d.reason}`).join(' | ');
  }

  it(
    'keeps every interaction, completion and reply, posts each reply once and dead-letters nothing',
    async () => {
      if (!proxy || !desk) throw new Error('not started');
      const agent = desk;
      const before = ['my parcel is lost', 'refund still missing', 'app keeps crashing'].map((t) => customerTweet(t));
      const servedBefore = await Promise.all(before.map((id) => serve(id)));
      // Completions asked for just before the line goes down: their events reach the projector during the outage.
      await Promise.all(servedBefore.map((id) => done(id)));
      await proxy.shut();

      // New customers keep writing: ingested, classified, routed and offered while the gateway cannot store them,
      // and the agent takes the offers as they come (the router decides from Redis, not from PostgreSQL).
      const during = ['where is my order?', 'charged twice this month', 'login broken again'].map((t) => customerTweet(t));
      const acceptedDuring = Promise.all(
        during.map(async (tweetId) => {
          const offer = await within('an offer during the outage', agent.socket.next('offer', (o) => o.messageId === tweetId), OUTAGE_MS + 30_000);
          agent.socket.send({ type: 'accept', interactionId: offer.interactionId, offerId: offer.offerId });
          return offer.interactionId;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await proxy.open();

      const duringIds = await acceptedDuring;
      await Promise.all(
        duringIds.map((id) => within('the accepted interaction', agent.socket.next('interaction-accepted', (m) => m.interaction.id === id), 60_000)),
      );
      await Promise.all(duringIds.map((id, index) => agent.reply(id, `Sorry about that, we are on it (${during[index] ?? ''}).`)));
      const after = ['still waiting on support', 'wrong item delivered'].map((t) => customerTweet(t));
      const servedLater = [...duringIds, ...(await Promise.all(after.map((id) => serve(id))))];

      const all = [...before, ...during, ...after];
      expect(new Set([...servedBefore, ...servedLater]).size).toBe(all.length);
      await waitFor('a reply on X to every tweet', () => all.every((id) => repliesTo(id).length >= 1), 60_000).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; dead letters: ${describeDeadLetters()}`);
      });
      // The completions that crossed the outage are in the store: the view says completed, with the disposition.
      await waitFor('the completions projected after the outage', async () => {
        const views = await Promise.all(servedBefore.map((id) => desk?.api('GET', `/api/interactions/${id}`)));
        return views.every((v) => v?.status === 200 && (v.body as { state?: string }).state === 'completed');
      }, 60_000);
      const view = await desk.api('GET', `/api/interactions/${servedBefore[0] ?? ''}`);
      expect(view.body).toMatchObject({ state: 'completed', completion: { disposition: 'resolved', note: 'handled across the outage' } });
      // Give a duplicate post time to show up, then check there is none.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(all.map((id) => repliesTo(id).length)).toEqual(all.map(() => 1));
      expect(describeDeadLetters()).toBe('none');
    },
    OUTAGE_MS + 240_000,
  );
});
