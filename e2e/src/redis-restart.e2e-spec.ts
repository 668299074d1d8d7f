import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Topics } from '@perch/contracts';
import { RedisServerProcess, serviceEnv } from '@perch/testing';

import { OutageStage } from './support/outage-stage.fixtures';

// Redis crashes (SIGKILL) in the middle of traffic and comes back on its append-only file (appendfsync always):
// queues, offers, presence, ingest cursors and outbound claims survive, so every customer tweet still reaches the
// agent and every reply is on X exactly once, checked against the simulator's own record. The apps run as
// processes on this test's own redis-server, with the persistence check on (REDIS_ALLOW_EPHEMERAL=false).
/** How long Redis stays down; PERCH_FAULT_OUTAGE_MS shortens it for a quick local run. */
const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);

describe('Redis crash and restart with persistence on', () => {
  let redis: RedisServerProcess | undefined;
  let stage: OutageStage | undefined;

  beforeAll(async () => {
    redis = await RedisServerProcess.start({ args: ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''] });
    const persistent = { REDIS_ALLOW_EPHEMERAL: 'false' };
    stage = await OutageStage.start({
      name: 'redis-restart',
      redisUrl: redis.url,
      agentCapacity: 8,
      env: { router: persistent, gateway: persistent, ingestor: { ...persistent, INGESTOR_MENTIONS_POLL_MS: '1000' } },
    });
  }, 120_000);

  afterAll(async () => {
    await stage?.stop();
    await redis?.dispose();
  });

  it('takes every tweet to the agent and every reply to X exactly once across a Redis crash and a minute down', async () => {
    if (!redis || !stage) throw new Error('not started');
    const on = stage;
    // Before: served end to end, their replies still on their way to X when Redis dies.
    const before = ['my parcel is lost', 'refund still missing', 'app keeps crashing'].map((t) => on.customerTweet(t));
    const servedBefore = await Promise.all(before.map((id) => on.serve(id)));

    // During: tweets in flight through ingestor, classifier and router as Redis is killed.
    const during = ['where is my order?', 'charged twice this month', 'login broken again'].map((t) => on.customerTweet(t));
    await redis.kill();
    // Down for a minute (issue 8's outage): the apps retry with backoff instead of dead-lettering meanwhile.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await redis.start();

    // After: new traffic on the restarted Redis.
    const after = ['still waiting on support', 'wrong item delivered'].map((t) => on.customerTweet(t));
    const servedLater = await Promise.all([...during, ...after].map((id) => on.serve(id)));

    const all = [...before, ...during, ...after];
    const interactions = [...servedBefore, ...servedLater];
    expect(new Set(interactions).size).toBe(all.length);
    await on.waitForReplies(all, 60_000);
    // Give a duplicate post time to show up, then check there is none.
    expect(await on.replyCountsAfterSettling(all)).toEqual(all.map(() => 1));
    expect(on.describeDeadLetters()).toBe('none');

    // The operator's tool agrees: nothing dead-lettered, so nothing to replay (the built CLI, as npm run dlq:replay runs it).
    const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/apps/perch/src/cli/replay-dead-letters.cli.js'), Topics.InboundReceived, '--dry-run'], {
      env: { ...process.env, KAFKA_BROKERS: serviceEnv().kafkaBrokers, PERCH_NAMESPACE: on.namespace },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({ topic: Topics.InboundReceived, replayed: 0, dryRun: true });
  }, OUTAGE_MS + 180_000);
});
