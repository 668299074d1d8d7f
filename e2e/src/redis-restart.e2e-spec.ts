import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { ALL_TOPICS, type DeadLetterRecord, deadLetterTopicOf, Topics } from '@perch/contracts';
import { EventTap, freePort, type PerchCluster, RedisServerProcess, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { AgentDesk } from './support/agent-desk';

// Redis crashes (SIGKILL) in the middle of traffic and comes back on its append-only file (appendfsync always):
// queues, offers, presence, ingest cursors and outbound claims survive, so every customer tweet still reaches the
// agent and every reply is on X exactly once, checked against the simulator's own record. The apps run as
// processes on this test's own redis-server, with the persistence check on (REDIS_ALLOW_EPHEMERAL=false).
/** How long Redis stays down; PERCH_FAULT_OUTAGE_MS shortens it for a quick local run. */
const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);

describe('Redis crash and restart with persistence on', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const namespace = `e2e-redis-restart-${Date.now()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] }, rateLimits: 'generous' });
  const deadLetters: DeadLetterRecord[] = [];
  let redis: RedisServerProcess | undefined;
  let cluster: PerchCluster | undefined;
  let tap: EventTap | undefined;
  let desk: AgentDesk | undefined;

  beforeAll(async () => {
    redis = await RedisServerProcess.start({ args: ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''] });
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const { kafkaBrokers, databaseUrl } = serviceEnv();
    const persistent = { REDIS_ALLOW_EPHEMERAL: 'false' };
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl: redis.url,
      databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: [{ id: 'alice', password: 'alice-pw', capacity: 8, brands: [brand] }],
      env: { router: persistent, gateway: persistent, ingestor: { ...persistent, INGESTOR_MENTIONS_POLL_MS: '1000' } },
    });
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-redis-restart' });
    await tap.transport.consume(
      { groupId: 'e2e-redis-restart-dlq', topics: ALL_TOPICS.map((t) => deadLetterTopicOf(t)), fromBeginning: true },
      async (messages) => {
        for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
      },
    );
    desk = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    await desk.ready();
  }, 120_000);

  afterAll(async () => {
    await desk?.close();
    await tap?.close();
    await cluster?.stop();
    await simulator.stop();
    await redis?.dispose();
  });

  function customerTweet(text: string): string {
    const customer = `cust_${randomUUID().slice(0, 8)}`;
    simulator.createAccount({ username: customer, kind: 'customer' });
    return simulator.createTweet({ authorUsername: customer, text: `@${brand} ${text}` }).id;
  }

  const repliesTo = (tweetId: string) => simulator.tweetsOf(brand, 10_000).filter((t) => t.inReplyToTweetId === tweetId);

  /** What the agent's desktop does for one tweet: accept its offer and reply; the interaction id. */
  async function serve(tweetId: string): Promise<string> {
    if (!desk) throw new Error('no desk');
    const interactionId = await desk.accept(tweetId);
    await desk.reply(interactionId, `Sorry about that, we are on it (${tweetId}).`);
    return interactionId;
  }

  it('takes every tweet to the agent and every reply to X exactly once across a Redis crash and a minute down', async () => {
    if (!redis) throw new Error('no redis');
    // Before: served end to end, their replies still on their way to X when Redis dies.
    const before = ['my parcel is lost', 'refund still missing', 'app keeps crashing'].map((t) => customerTweet(t));
    const servedBefore = await Promise.all(before.map((id) => serve(id)));

    // During: tweets in flight through ingestor, classifier and router as Redis is killed.
    const during = ['where is my order?', 'charged twice this month', 'login broken again'].map((t) => customerTweet(t));
    await redis.kill();
    // Down for a minute (issue 8's outage): the apps retry with backoff instead of dead-lettering meanwhile.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await redis.start();

    // After: new traffic on the restarted Redis.
    const after = ['still waiting on support', 'wrong item delivered'].map((t) => customerTweet(t));
    const servedLater = await Promise.all([...during, ...after].map((id) => serve(id)));

    const all = [...before, ...during, ...after];
    const interactions = [...servedBefore, ...servedLater];
    expect(new Set(interactions).size).toBe(all.length);
    await waitFor('a reply on X to every tweet', () => all.every((id) => repliesTo(id).length >= 1), 60_000).catch((error: unknown) => {
      const missing = all.filter((id) => repliesTo(id).length === 0);
      throw new Error(`${error instanceof Error ? error.message : String(error)}: no reply to ${missing.join(', ')}; dead letters: ${describeDeadLetters()}`);
    });
    // Give a duplicate post time to show up, then check there is none.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(all.map((id) => repliesTo(id).length)).toEqual(all.map(() => 1));
    expect(describeDeadLetters()).toBe('none');

    // The operator's tool agrees: nothing dead-lettered, so nothing to replay (the built CLI, as npm run dlq:replay runs it).
    const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/apps/perch/src/cli/replay-dead-letters.js'), Topics.InboundReceived, '--dry-run'], {
      env: { ...process.env, KAFKA_BROKERS: serviceEnv().kafkaBrokers, PERCH_NAMESPACE: namespace },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({ topic: Topics.InboundReceived, replayed: 0, dryRun: true });
  }, OUTAGE_MS + 180_000);

  function describeDeadLetters(): string {
    return deadLetters.length === 0 ? 'none' : deadLetters.map((d) => `${d.sourceTopic} [${d.consumerGroup}] ${d.reason}`).join(' | ');
  }
});
